package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A task's resources, worked out once: its spec and ports do not change, and the cores it gets come from the host's
 * cpuset, which is read from procfs only the first time (not at every start and every environment built).
 */
final class TaskResources {
    private final TaskSpec spec;
    private final List<Port> ports;
    private final Supplier<List<Integer>> usableCores;
    private @Nullable Resources resources;

    TaskResources(TaskSpec spec, List<Port> ports) {
        this(spec, ports, HostCores::usable);
    }

    /** With the host's usable cores asked of {@code usableCores} (tests count how often). */
    TaskResources(TaskSpec spec, List<Port> ports, Supplier<List<Integer>> usableCores) {
        this.spec = spec;
        this.ports = List.copyOf(ports);
        this.usableCores = usableCores;
    }

    /** The resources; throws {@link IllegalArgumentException} if the task asks for more cores than the host has. */
    synchronized Resources get() {
        Resources known = resources;
        if (known == null) {
            known = HostCores.resources(
                    spec.cpu(), spec.memoryMb(), ports, spec.memoryMaxMb(), spec.cores(), usableCores);
            resources = known;
        }
        return known;
    }
}
