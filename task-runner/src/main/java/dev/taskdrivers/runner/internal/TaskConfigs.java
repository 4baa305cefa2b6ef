package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.TaskMount;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.Interpolator;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds what the driver sees of one task: its {@link TaskConfig} from its spec, environment, resources and
 * directories, with the driver config interpolated against the environment, and the same for its services (at each
 * start) and artifacts. Variables unknown there were refused by validation; any left stay as written. It holds no
 * state and no lock of its own; the supervisor calls it outside its lock.
 */
final class TaskConfigs {
    private final TaskId id;
    private final TaskSpec spec;
    private final TaskDirs dirs;
    private final TaskResources resources;
    private final AllocationRunner alloc;
    private final Supplier<Map<String, String>> environment;
    private final TaskServicesLink services;

    /**
     * @param environment the task's environment as its allocation builds it now
     * @param services takes the services as interpolated for each start, for their registration
     */
    TaskConfigs(
            TaskId id,
            TaskSpec spec,
            TaskDirs dirs,
            TaskResources resources,
            AllocationRunner alloc,
            Supplier<Map<String, String>> environment,
            TaskServicesLink services) {
        this.id = id;
        this.spec = spec;
        this.dirs = dirs;
        this.resources = resources;
        this.alloc = alloc;
        this.environment = environment;
        this.services = services;
    }

    /** The spec's driver config as written, with {@code env}. */
    TaskConfig base(Map<String, String> env) {
        return config(spec.config(), env, List.of()); // for cleanup and exec: no mounts needed
    }

    /**
     * What a start, reattach or search sees: the final environment, and the config and services interpolated
     * against it.
     */
    TaskConfig start() {
        Map<String, String> env = environment.get();
        return startConfig(env, alloc.mountsLeniently(spec, env));
    }

    /**
     * The same for a start whose environment was completed first (by env templates).
     *
     * @throws dev.taskdrivers.api.DriverException when a volume the task mounts is missing on the node
     */
    TaskConfig start(Map<String, String> env) {
        return startConfig(env, alloc.mounts(spec, env));
    }

    private TaskConfig startConfig(Map<String, String> env, List<TaskMount> mounts) {
        TaskInterpolation interpolation = alloc.interpolation();
        List<ValidationProblem> ignored = new ArrayList<>();
        services.use(interpolation.services(spec.services(), env, Interpolator.Mode.LENIENT, ignored));
        return config(interpolation.config(spec.config(), env, Interpolator.Mode.LENIENT, ignored), env, mounts);
    }

    /**
     * What validation and prestart see: the config interpolated against the environment known before it (the ports'
     * host values), without an environment, as before any start; joined to the group's network when there is one.
     */
    TaskConfig prestart() {
        Map<String, String> env = environment.get();
        return alloc.joinNetwork(config(
                alloc.interpolation().config(spec.config(), env, Interpolator.Mode.LENIENT, new ArrayList<>()),
                Map.of(),
                alloc.mountsLeniently(spec, env)));
    }

    /** An artifact with the task's variables expanded in its source, destination, options and headers. */
    @SuppressWarnings("unchecked")
    ArtifactSpec artifact(ArtifactSpec artifact) {
        Map<String, String> env = environment.get();
        TaskInterpolation interpolation = alloc.interpolation();
        List<ValidationProblem> ignored = new ArrayList<>(); // refused by validation already; any left stay as written
        Interpolator.Mode lenient = Interpolator.Mode.LENIENT;
        return ArtifactSpec.builder(interpolation.text(artifact.source(), "artifacts.source", env, lenient, ignored))
                .destination(interpolation.destination(artifact.destination(), "artifacts.destination", env))
                .mode(artifact.mode())
                .options((Map<String, String>)
                        interpolation.tree(artifact.options(), "artifacts.options", env, lenient, ignored))
                .headers((Map<String, String>)
                        interpolation.tree(artifact.headers(), "artifacts.headers", env, lenient, ignored))
                .build();
    }

    private TaskConfig config(Map<String, Object> driverConfig, Map<String, String> env, List<TaskMount> mounts) {
        return new TaskConfig(
                id,
                driverConfig,
                env,
                resources.get(),
                dirs,
                spec.user(),
                spec.killTimeout(),
                spec.killSignal(),
                spec.logs(),
                mounts);
    }
}
