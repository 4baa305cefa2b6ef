package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.NodeInfo;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.VolumeMounts;
import dev.taskdrivers.runner.internal.interpolation.NodeVariables;
import dev.taskdrivers.services.CheckRestart;
import dev.taskdrivers.services.ServiceProvider;
import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check of a job before it runs, the same for a parsed spec and a job built in code: the JSON's own problems
 * and what the spec builders refuse (when parsed; a job built in code cannot break those rules), the service
 * registry's rules for each well-formed service and each task's driver. All problems come at once, ordered by JSON
 * path. A task's driver is asked only when the fields the driver sees (driver, config, env, user, kill settings)
 * could be read.
 *
 * <p>A job this validator found valid is not checked again by {@link #problems(JobSpec)}: a job parsed with it and
 * then submitted is checked once, however many tasks it has. Jobs are immutable, so an equal job is just as valid.
 */
public final class JobValidator {
    /** The host address given to the sample ports when the runner's is not known. */
    public static final String DEFAULT_HOST_IP = "127.0.0.1";

    private static final List<String> DRIVER_INPUTS =
            List.of(".driver", ".config", ".env", ".user", ".kill_timeout", ".kill_signal");

    private static final Logger LOG = LoggerFactory.getLogger(JobValidator.class);

    private final DriverRegistry drivers;
    private final @Nullable ServiceRegistry registry;
    private final String hostIp;
    private final NodeVariables node;
    /** Jobs found valid, held weakly: forgotten with the job. */
    private final Set<JobSpec> valid = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Checks the model and the drivers; no registry rules, sample ports on {@value #DEFAULT_HOST_IP}. */
    public JobValidator(DriverRegistry drivers) {
        this(drivers, null, DEFAULT_HOST_IP);
    }

    /**
     * @param drivers the drivers the tasks name
     * @param registry where services will be advertised, asked for its own rules; {@code null} for none
     * @param hostIp the address granted ports will have, shown to the drivers' checks
     */
    public JobValidator(DriverRegistry drivers, @Nullable ServiceRegistry registry, String hostIp) {
        this(drivers, registry, hostIp, NodeInfo.defaults());
    }

    /**
     * @param drivers the drivers the tasks name
     * @param registry where services will be advertised, asked for its own rules; {@code null} for none
     * @param hostIp the address granted ports will have, shown to the drivers' checks
     * @param node the node's values for {@code ${node.*}}, {@code ${attr.*}} and {@code ${meta.*}}
     */
    public JobValidator(DriverRegistry drivers, @Nullable ServiceRegistry registry, String hostIp, NodeInfo node) {
        this.drivers = Objects.requireNonNull(drivers, "drivers");
        this.registry = registry;
        this.hostIp = Objects.requireNonNull(hostIp, "hostIp");
        this.node = new NodeVariables(Objects.requireNonNull(node, "node"), hostIp, drivers);
    }

    /**
     * Parses and validates for running on this node; throws one {@link ValidationException} with every problem, this
     * node's included. What the spec holds that the runner ignores (a Nomad job's scheduler settings) is logged as a
     * warning.
     */
    public JobSpec parseAndValidate(SpecParser parser, String json) {
        return parseAndValidate(parser, json, w -> LOG.warn("job spec: {}", w));
    }

    /**
     * Parses and validates for running on this node; throws one {@link ValidationException} with every problem, this
     * node's (see {@link #parseAndValidate(SpecParser, String, Consumer, Consumer)}) included, and hands each warning
     * (what the spec holds that the runner ignores, e.g. a Nomad job's {@code update} block, at its path) to
     * {@code warnings}, whether or not the spec is valid.
     */
    public JobSpec parseAndValidate(SpecParser parser, String json, Consumer<ValidationProblem> warnings) {
        return check(parser, json, warnings, null);
    }

    /**
     * Parses and validates the job itself, as Nomad's {@code job validate} does: throws one
     * {@link ValidationException} with every problem of the job, hands each warning to {@code warnings}, and each
     * problem this node has with the job to {@code nodeProblems} instead of throwing it (all of them, before the job's
     * own are thrown, so also when the job is invalid). This node's problems are what another node may have: a
     * driver this runner lacks; what a driver's {@link Driver#nodeProblems} finds (an absolute raw_exec command, a
     * QEMU emulator or {@code choom} not installed, a task {@code user} this host lacks, KVM that does not run guests
     * here); a node attribute or meta key a text names ({@code ${attr.KEY}}, {@code ${meta.KEY}}) that the node does
     * not have; a host or CSI volume the node does not offer; more cores than the runner may use. Each is at its JSON
     * path, as a problem would be.
     *
     * @return the job, also when this node has problems with it; {@link #problems(JobSpec)}, which a submitted job
     *     passes, then refuses them: such a job is not taken as checked
     */
    public JobSpec parseAndValidate(
            SpecParser parser,
            String json,
            Consumer<ValidationProblem> warnings,
            Consumer<ValidationProblem> nodeProblems) {
        return check(parser, json, warnings, Objects.requireNonNull(nodeProblems, "nodeProblems"));
    }

    /** Parses and validates; this node's problems go to {@code nodeProblems}, or are thrown when it is null. */
    private JobSpec check(
            SpecParser parser,
            String json,
            Consumer<ValidationProblem> warnings,
            @Nullable Consumer<ValidationProblem> nodeProblems) {
        SpecParser.Reading reading = parser.read(json);
        reading.warnings().forEach(warnings);
        if (reading.job() == null) {
            throw new ValidationException(new Problems().add(reading.problems()).sorted());
        }
        Checked checked = validate(reading.job(), reading.problems(), warnings);
        if (nodeProblems == null) {
            ValidationException.throwIfAny(checked.all());
        } else {
            checked.nodeProblems().forEach(nodeProblems); // all at once: also when the job has problems of its own
            ValidationException.throwIfAny(checked.problems());
        }
        JobSpec job = reading.job().build();
        if (checked.nodeProblems().isEmpty()) {
            valid.add(job);
        }
        return job;
    }

    /**
     * Every problem of a job built in code, under {@code job.groups[i]...}, ordered by path; none, without a new
     * check, for a job this validator already found valid.
     */
    public List<ValidationProblem> problems(JobSpec job) {
        if (valid.contains(job)) {
            return List.of();
        }
        List<ValidationProblem> problems = validate(job.toBuilder(), List.of(), w -> LOG.warn("job spec: {}", w))
                .all();
        if (problems.isEmpty()) {
            valid.add(job);
        }
        return problems;
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
                        List.of(),
                        w -> LOG.warn("job spec: {}", w))
                .all();
    }

    /** The driver's problems of one task, this node's included, prefixed with {@code path}. */
    public List<ValidationProblem> problems(JobSpec job, GroupSpec group, TaskSpec task, String path) {
        GroupSpec.Builder alone =
                GroupSpec.builder(group.name()).meta(group.meta()).task(task);
        group.volumes().forEach(alone::volume);
        JobSpec.Builder in = JobSpec.builder(job.name())
                .datacenter(job.datacenter())
                .region(job.region())
                .meta(job.meta())
                .group(alone);
        List<ValidationProblem> problems = new ArrayList<>();
        driverProblems(
                alone.tasks().get(0),
                TaskSample.of(in, alone, 0, hostIp, node, drivers.dirsInsideTask(task.driver())),
                path,
                problems,
                problems);
        return problems;
    }

    /** The driver's problems of a task to {@code problems}, this node's to {@code nodeProblems}. */
    private void driverProblems(
            TaskSpec.Builder task,
            TaskSample sample,
            String path,
            List<ValidationProblem> problems,
            List<ValidationProblem> nodeProblems) {
        if (!drivers.has(task.driver())) {
            // a driver this runner does not have: another node (a runner with its artifact) may run the task
            nodeProblems.add(new ValidationProblem(path + ".driver", drivers.unknownMessage(task.driver())));
            return;
        }
        try {
            Driver driver = drivers.driver(task.driver());
            if (!task.volumeMounts().isEmpty() && !driver.capabilities().volumeMounts()) {
                for (int j = 0; j < task.volumeMounts().size(); j++) {
                    problems.add(new ValidationProblem(
                            path + ".volume_mounts[" + j + "]",
                            "the " + task.driver() + " driver does not mount volumes (its capabilities say so);"
                                    + " of this project's drivers, docker, exec and an isolated java do"));
                }
            }
            for (ValidationProblem p : driver.validate(sample.config())) {
                problems.add(underConfig(p).under(path));
            }
            for (ValidationProblem p : driver.nodeProblems(sample.config())) {
                nodeProblems.add(underConfig(p).under(path));
            }
        } catch (DriverException e) {
            problems.add(
                    new ValidationProblem(path + ".config", Objects.requireNonNullElse(e.getMessage(), e.toString())));
        } catch (RuntimeException | Error e) {
            // a driver's bug: the spec is still answered with problems, not with an exception of the driver's
            LOG.warn("driver {} failed while checking a task config", task.driver(), e);
            problems.add(new ValidationProblem(
                    path + ".config", "the " + task.driver() + " driver could not check" + " it: " + e));
        }
    }

    /** A driver's problem under the task's {@code config}, unless it names a field of the task's own. */
    private static ValidationProblem underConfig(ValidationProblem p) {
        return p.field().equals("config")
                        || p.field().startsWith("config.")
                        || p.field().startsWith("config[")
                        || p.field().equals("user") // the task's user, as the spec writes it
                        || p.field().startsWith("volume_mounts") // the mounts are the task's, not config's
                ? p
                : p.under("config");
    }

    /**
     * What a check found: the job's problems, and those this node has with it.
     */
    private record Checked(List<ValidationProblem> problems, List<ValidationProblem> nodeProblems) {
        /** Both, ordered by path: what refuses a job to run here. */
        List<ValidationProblem> all() {
            return nodeProblems.isEmpty()
                    ? problems
                    : new Problems().add(problems).add(nodeProblems).sorted();
        }
    }

    private Checked validate(
            JobSpec.Builder job, List<ValidationProblem> parsed, Consumer<ValidationProblem> warnings) {
        Problems problems = new Problems().add(parsed).add(SpecParser.jobProblems(job));
        List<ValidationProblem> interpolationProblems = new ArrayList<>();
        List<ValidationProblem> registryProblems = new ArrayList<>();
        List<ValidationProblem> driverProblems = new ArrayList<>();
        List<ValidationProblem> nodeProblems = new ArrayList<>();
        for (int i = 0; i < job.groups().size(); i++) {
            GroupSpec.Builder group = job.groups().get(i);
            BridgeNetworkRules.problems(group, "job.groups[" + i + "]", drivers, driverProblems);
            String groupPath = "job.groups[" + i + "]";
            VolumeMounts.nodeProblems(TaskSample.volumes(group), Math.max(group.count(), 1), node.node())
                    .forEach(p -> nodeProblems.add(p.under(groupPath)));
            for (int j = 0; j < group.tasks().size(); j++) {
                TaskSpec.Builder task = group.tasks().get(j);
                String path = "job.groups[" + i + "].tasks[" + j + "]";
                TaskSample sample = TaskSample.of(job, group, j, hostIp, node, drivers.dirsInsideTask(task.driver()));
                sample.problems().forEach(p -> interpolationProblems.add(p.under(path)));
                sample.nodeProblems().forEach(p -> nodeProblems.add(p.under(path)));
                sample.warnings().forEach(w -> warnings.accept(w.under(path)));
                ServiceRegistry rules = registry;
                if (rules != null) {
                    sample.services()
                            .forEach((k, service) -> registryProblems.addAll(
                                    serviceProblems(rules, service, path + ".services[" + k + "]")));
                }
                if (driverInputsReadable(problems, path)) {
                    driverProblems(task, sample, path, driverProblems, nodeProblems);
                }
            }
        }
        return new Checked(
                problems.add(interpolationProblems)
                        .add(registryProblems)
                        .add(driverProblems)
                        .sorted(),
                new Problems().add(nodeProblems).sorted());
    }

    /** The registry's problems of a service (interpolated; one the builder refuses is not shown to the registry). */
    private static List<ValidationProblem> serviceProblems(ServiceRegistry registry, ServiceSpec service, String path) {
        if (service.provider() == ServiceProvider.NOMAD) {
            return List.of(); // the registry never sees the services of Nomad's catalog
        }
        List<ValidationProblem> problems = new ArrayList<>();
        for (ValidationProblem p : registry.validate(service)) {
            problems.add(p.under(path));
        }
        if (!registry.reportsCheckResults()) {
            for (int c = 0; c < service.checks().size(); c++) {
                CheckRestart restart = service.checks().get(c).checkRestart();
                if (restart != null && restart.limit() > 0) {
                    problems.add(new ValidationProblem(
                            path + ".checks[" + c + "].check_restart",
                            "needs the results of the check, which the service registry "
                                    + registry.getClass().getName()
                                    + " does not report; use provider nomad, or a registry that reports them"
                                    + " (inprocess, consul)"));
                }
            }
        }
        return problems;
    }

    private static boolean driverInputsReadable(Problems problems, String taskPath) {
        return !problems.reportedAtOrAbove(taskPath)
                && DRIVER_INPUTS.stream().noneMatch(field -> problems.reportedAround(taskPath + field));
    }
}
