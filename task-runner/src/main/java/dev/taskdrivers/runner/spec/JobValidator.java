package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check of a job before it runs, the same for a parsed spec and a job built in code: the JSON's own problems
 * and what the spec builders refuse (when parsed; a job built in code cannot break those rules), the service
 * registry's rules for each well-formed service and each task's driver. All problems come at once, ordered by JSON
 * path. A task's driver is asked only when the fields the driver sees (driver, config, env, user, kill settings)
 * could be read.
 */
public final class JobValidator {
    /** The host address given to the sample ports when the runner's is not known. */
    public static final String DEFAULT_HOST_IP = "127.0.0.1";

    private static final List<String> DRIVER_INPUTS =
            List.of(".driver", ".config", ".env", ".user", ".kill_timeout", ".kill_signal");

    private static final Logger LOG = LoggerFactory.getLogger(JobValidator.class);

    private final DriverRegistry drivers;
    private final ServiceRegistry registry;
    private final String hostIp;

    /** Checks the model and the drivers; no registry rules, sample ports on {@value #DEFAULT_HOST_IP}. */
    public JobValidator(DriverRegistry drivers) {
        this(drivers, null, DEFAULT_HOST_IP);
    }

    /**
     * @param drivers the drivers the tasks name
     * @param registry where services will be advertised, asked for its own rules; {@code null} for none
     * @param hostIp the address granted ports will have, shown to the drivers' checks
     */
    public JobValidator(DriverRegistry drivers, ServiceRegistry registry, String hostIp) {
        this.drivers = Objects.requireNonNull(drivers, "drivers");
        this.registry = registry;
        this.hostIp = Objects.requireNonNull(hostIp, "hostIp");
    }

    /** Parses and validates; throws one {@link ValidationException} with every problem. */
    public JobSpec parseAndValidate(SpecParser parser, String json) {
        SpecParser.Reading reading = parser.read(json);
        if (reading.job() == null) {
            throw new ValidationException(new Problems().add(reading.problems()).sorted());
        }
        ValidationException.throwIfAny(validate(reading.job(), reading.problems()));
        return reading.job().build();
    }

    /** Every problem of a job built in code, under {@code job.groups[i]...}, ordered by path. */
    public List<ValidationProblem> problems(JobSpec job) {
        return validate(job.toBuilder(), List.of());
    }

    /**
     * The problems of submitting one group of {@code job}: those of the whole job when the group is one of its
     * groups, else those of the job with this group alone.
     */
    public List<ValidationProblem> problems(JobSpec job, GroupSpec group) {
        if (job.groups().contains(group)) {
            return problems(job);
        }
        return validate(
                JobSpec.builder(job.name())
                        .type(job.type())
                        .datacenter(job.datacenter())
                        .region(job.region())
                        .meta(job.meta())
                        .group(group),
                List.of());
    }

    /** The driver's problems of one task, prefixed with {@code path}. */
    public List<ValidationProblem> problems(JobSpec job, GroupSpec group, TaskSpec task, String path) {
        return driverProblems(job.name(), group.name(), task.toBuilder(), path);
    }

    private List<ValidationProblem> driverProblems(
            String jobName, String groupName, TaskSpec.Builder task, String path) {
        if (!drivers.has(task.driver())) {
            return List.of(new ValidationProblem(path + ".driver", drivers.unknownMessage(task.driver())));
        }
        List<ValidationProblem> problems = new ArrayList<>();
        try {
            Driver driver = drivers.driver(task.driver());
            for (ValidationProblem p : driver.validate(sample(jobName, groupName, task))) {
                ValidationProblem underConfig = p.field().equals("config")
                                || p.field().startsWith("config.")
                                || p.field().startsWith("config[")
                        ? p
                        : p.under("config");
                problems.add(underConfig.under(path));
            }
        } catch (DriverException e) {
            problems.add(new ValidationProblem(path + ".config", e.getMessage()));
        } catch (RuntimeException | Error e) {
            // a driver's bug: the spec is still answered with problems, not with an exception of the driver's
            LOG.warn("driver {} failed while checking a task config", task.driver(), e);
            problems.add(new ValidationProblem(
                    path + ".config", "the " + task.driver() + " driver could not check" + " it: " + e));
        }
        return problems;
    }

    private List<ValidationProblem> validate(JobSpec.Builder job, List<ValidationProblem> parsed) {
        Problems problems = new Problems().add(parsed).add(SpecParser.jobProblems(job));
        List<ValidationProblem> registryProblems = new ArrayList<>();
        List<ValidationProblem> driverProblems = new ArrayList<>();
        for (int i = 0; i < job.groups().size(); i++) {
            GroupSpec.Builder group = job.groups().get(i);
            for (int j = 0; j < group.tasks().size(); j++) {
                TaskSpec.Builder task = group.tasks().get(j);
                String path = "job.groups[" + i + "].tasks[" + j + "]";
                for (int k = 0; k < task.services().size() && registry != null; k++) {
                    registryProblems.addAll(serviceProblems(task.services().get(k), path + ".services[" + k + "]"));
                }
                if (driverInputsReadable(problems, path)) {
                    driverProblems.addAll(driverProblems(job.name(), group.name(), task, path));
                }
            }
        }
        return problems.add(registryProblems).add(driverProblems).sorted();
    }

    /** The registry's problems of a service; one the builder refuses is not shown to the registry. */
    private List<ValidationProblem> serviceProblems(ServiceSpec.Builder service, String path) {
        if (!service.problems().isEmpty()) {
            return List.of();
        }
        List<ValidationProblem> problems = new ArrayList<>();
        for (ValidationProblem p : registry.validate(service.build())) {
            problems.add(p.under(path));
        }
        return problems;
    }

    private static boolean driverInputsReadable(Problems problems, String taskPath) {
        return !problems.reportedAtOrAbove(taskPath)
                && DRIVER_INPUTS.stream().noneMatch(field -> problems.reportedAround(taskPath + field));
    }

    /**
     * A task config good enough for validate(): the task's ports as they will be granted on this runner's host
     * address (a dynamic port stands in as a distinct unused number, since its value is picked at start), and
     * scratch directories. Values the rules refuse are replaced by defaults, so the driver's own checks still run.
     */
    private TaskConfig sample(String jobName, String groupName, TaskSpec.Builder task) {
        TaskId id = new TaskId("validate", safe(jobName), safe(groupName), 0, safe(task.name()));
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "taskdrivers-validate");
        int cpu = task.cpu() > 0 ? task.cpu() : Resources.DEFAULT_CPU_MHZ;
        int memory = task.memoryMb() > 0 ? task.memoryMb() : Resources.DEFAULT_MEMORY_MB;
        return new TaskConfig(
                id,
                task.config(),
                task.env(),
                new Resources(cpu, memory, samplePorts(task)),
                TaskDirs.standard(root, id.taskName()),
                task.user(),
                task.killTimeout().isNegative() ? null : task.killTimeout(),
                task.killSignal(),
                task.logs());
    }

    private List<Port> samplePorts(TaskSpec.Builder task) {
        Set<Integer> used = new HashSet<>();
        task.ports().stream().filter(p -> !p.isDynamic()).forEach(p -> used.add(p.staticPort()));
        List<Port> ports = new ArrayList<>();
        int placeholder = 65535;
        for (PortSpec p : task.ports()) {
            if (p.isDynamic()) {
                while (used.contains(placeholder)) {
                    placeholder--;
                }
                used.add(placeholder);
                ports.add(new Port(p.label(), placeholder, hostIp));
            } else {
                ports.add(new Port(p.label(), p.staticPort(), hostIp));
            }
        }
        return ports;
    }

    private static String safe(String name) {
        return TaskId.isSafe(name) ? name : "invalid";
    }
}
