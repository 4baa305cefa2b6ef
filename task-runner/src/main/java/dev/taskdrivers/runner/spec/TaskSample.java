package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.GroupPorts;
import dev.taskdrivers.runner.internal.HostCores;
import dev.taskdrivers.runner.internal.VolumeMounts;
import dev.taskdrivers.runner.internal.interpolation.Interpolator.Mode;
import dev.taskdrivers.runner.internal.interpolation.NodeVariables;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.services.ServiceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A task as validation shows it to its driver and the service registry: the environment it will get (with its ports
 * as they will be granted on the runner's host address, a dynamic port standing in as a distinct unused number, and
 * scratch directories), and its config and services interpolated against it. A variable that will have no value is
 * a problem under the task's field ({@code config.args[1]}, {@code services[0].name}).
 */
final class TaskSample {
    private final TaskConfig config;
    private final Map<Integer, ServiceSpec> services = new LinkedHashMap<>();
    private final List<ValidationProblem> problems = new ArrayList<>();
    private final List<ValidationProblem> warnings = new ArrayList<>();
    private final List<ValidationProblem> nodeProblems = new ArrayList<>();

    private TaskSample(TaskConfig config) {
        this.config = config;
    }

    /**
     * The sample of the task at {@code taskIndex} of {@code group}; values the rules refuse are defaults here. Its
     * directories' variables are {@code dirsInsideTask} where its driver puts them elsewhere than the host's paths.
     */
    static TaskSample of(
            JobSpec.Builder job,
            GroupSpec.Builder group,
            int taskIndex,
            String hostIp,
            NodeVariables node,
            Map<String, String> dirsInsideTask) {
        TaskSpec.Builder task = group.tasks().get(taskIndex);
        TaskId id = new TaskId("validate", safe(job.name()), safe(group.name()), 0, safe(task.name()));
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "taskdrivers-validate");
        int cpu = task.cpu() > 0 ? task.cpu() : Resources.DEFAULT_CPU_MHZ;
        int memory = task.memoryMb() > 0 ? task.memoryMb() : Resources.DEFAULT_MEMORY_MB;
        int memoryMax = task.memoryMaxMb() >= memory ? task.memoryMaxMb() : 0; // a wrong one is the rules' problem
        // the host's cores are read once, and only for a task that asks for some: a job of thousands of tasks is
        // checked without reading /proc once per task
        List<Integer> usable = task.cores() > 0 ? HostCores.usable() : List.of();
        int usableCores = task.cores() > 0 ? usable.size() : Integer.MAX_VALUE;
        int cores = task.cores() > 0 && task.cores() <= usableCores ? task.cores() : 0;
        // the lowest ones stand in for those the task will hold
        Resources resources = new Resources(cpu, memory, ports(task, hostIp), memoryMax, usable.subList(0, cores));
        TaskDirs dirs = TaskDirs.standard(root, id.taskName());
        Map<String, String> meta = new LinkedHashMap<>(job.meta());
        meta.putAll(group.meta());
        meta.putAll(task.meta());
        TaskEnvironment.Builder env = TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .meta(meta)
                .datacenter(job.datacenter())
                .region(job.region())
                .namespace(job.namespace())
                .jobId(job.id() == null ? job.name() : job.id())
                .overrides(dirsInsideTask);
        if (job.parentId() != null) {
            env.jobParentId(job.parentId());
        }
        for (int i = 0; i < group.tasks().size(); i++) {
            TaskSpec.Builder sibling = group.tasks().get(i);
            if (i != taskIndex && TaskId.isSafe(sibling.name())) {
                List<Port> granted = ports(sibling, hostIp);
                env.sibling(sibling.name(), granted, Map.of());
                List<Port> groupPorts = GroupPorts.of(sibling.ports(), granted);
                if (!groupPorts.isEmpty()) {
                    env.groupPorts(groupPorts, Map.of()); // the values do not matter here, only that they exist
                }
            }
        }
        List<ValidationProblem> lacking = new ArrayList<>();
        TaskInterpolation interpolation = new TaskInterpolation(node, job.datacenter(), lacking);
        Map<String, String> written = env.taskEnv(task.env()).build();
        Map<String, String> environment =
                env.taskEnv(interpolation.env(task.env(), written)).build();
        List<ValidationProblem> found = new ArrayList<>();
        Map<String, Object> config = interpolation.config(task.config(), environment, Mode.STRICT, found);
        VolumeMounts.Resolved mounts = VolumeMounts.resolve(
                volumes(group),
                task.volumeMounts().stream()
                        .filter(m -> m.problems().isEmpty())
                        .map(VolumeMountSpec.Builder::build)
                        .toList(),
                0,
                node.node(),
                (text, field) -> interpolation.text(text, field, environment, Mode.STRICT, found));
        found.addAll(mounts.problems());
        TaskSample sample = new TaskSample(new TaskConfig(
                id,
                config,
                environment,
                resources,
                dirs,
                task.user(),
                task.killTimeout().isNegative() ? TaskConfig.DEFAULT_KILL_TIMEOUT : task.killTimeout(),
                task.killSignal(),
                task.logs(),
                mounts.mounts()));
        sample.warnings.addAll(mounts.madeReadOnly());
        for (int k = 0; k < task.services().size(); k++) {
            ServiceSpec.Builder service = task.services().get(k);
            if (service.problems().isEmpty()) { // one the rules refuse is reported as such, not interpolated
                sample.services.put(k, interpolation.service(service.build(), k, environment, Mode.STRICT, found));
            }
        }
        found.addAll(ArtifactDestinations.problems(task.artifacts(), interpolation, environment));
        found.addAll(TemplateDestinations.problems(task.templates(), interpolation, environment));
        if (task.cores() > usableCores) {
            lacking.add(new ValidationProblem(
                    "resources.cores",
                    "must be at most " + usableCores + ", the cores this host lets the runner use, got "
                            + task.cores()));
        }
        sample.problems.addAll(found);
        lacking.stream().distinct().forEach(sample.nodeProblems::add);
        return sample;
    }

    /** The group's volumes the rules accept (a mount of another one is the rules' problem). */
    static Map<String, VolumeSpec> volumes(GroupSpec.Builder group) {
        Map<String, VolumeSpec> volumes = new LinkedHashMap<>();
        group.volumes().forEach((name, v) -> {
            if (v.problems().isEmpty()) {
                volumes.put(name, v.build());
            }
        });
        return volumes;
    }

    /** What validation tells without refusing: writable mounts of read-only volumes, mounted read-only. */
    List<ValidationProblem> warnings() {
        return warnings;
    }

    /**
     * What this node lacks that the task asks for, under the task's fields: a node attribute or meta key its texts
     * name, more cores than the runner may use here. Another node may have them.
     */
    List<ValidationProblem> nodeProblems() {
        return nodeProblems;
    }

    /** The config the driver checks. */
    TaskConfig config() {
        return config;
    }

    /** The interpolated services by their index; those the rules refuse are missing. */
    Map<Integer, ServiceSpec> services() {
        return services;
    }

    /**
     * Variables that will have no value, and artifact and template destinations that leave the task and alloc
     * directories (or two templates that write one file) once interpolated, under the task's fields.
     */
    List<ValidationProblem> problems() {
        return problems;
    }

    private static List<Port> ports(TaskSpec.Builder task, String hostIp) {
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
