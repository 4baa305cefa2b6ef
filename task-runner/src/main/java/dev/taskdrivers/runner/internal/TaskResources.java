package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A task's resources: its spec and ports, which do not change, and the cores it holds (none until they are reserved
 * before its first start). They are built again only when its cores changed, not at every start and environment.
 */
final class TaskResources {
    private final TaskSpec spec;
    private final List<Port> ports;
    private final Supplier<List<Integer>> cores;
    private @Nullable Resources resources;

    /** With the cores the task holds asked of {@code cores}. */
    TaskResources(TaskSpec spec, List<Port> ports, Supplier<List<Integer>> cores) {
        this.spec = spec;
        this.ports = List.copyOf(ports);
        this.cores = cores;
    }

    synchronized Resources get() {
        List<Integer> held = cores.get();
        Resources known = resources;
        if (known == null || !known.reservedCores().equals(held)) {
            known = new Resources(spec.cpu(), spec.memoryMb(), ports, spec.memoryMaxMb(), held);
            resources = known;
        }
        return known;
    }
}
