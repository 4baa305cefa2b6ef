package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The cores one task holds from the runner's {@link CoreReservations}: taken before its first start, kept across its
 * restarts, given back when it ends for good. They are recorded in the state file as the {@code NOMAD_CPU_CORES}
 * value of its environment overrides (the value its environment has anyway), so a runner that recovers the task
 * takes the same cores back.
 */
final class TaskCores {
    private final CoreReservations reservations;
    private final TaskId id;
    private final int count;

    TaskCores(CoreReservations reservations, TaskId id, int count) {
        this.reservations = reservations;
        this.id = id;
        this.count = count;
    }

    /** Reserves the task's cores unless it holds them already; the refusal's message when too few are free. */
    Optional<String> reserve() {
        if (count == 0) {
            return Optional.empty();
        }
        try {
            reservations.reserve(id, count);
            return Optional.empty();
        } catch (CoreReservations.CoresUnavailableException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /** The cores the task holds; empty before they are reserved, after they were given back, or when it asks none. */
    List<Integer> held() {
        return count == 0 ? List.of() : reservations.heldBy(id);
    }

    void release() {
        if (count > 0) {
            reservations.release(id);
        }
    }

    /** The environment overrides to write to the state file: {@code overrides} with the held cores. */
    Map<String, String> recordIn(Map<String, String> overrides) {
        List<Integer> cores = held();
        Map<String, String> recorded = new HashMap<>(overrides);
        if (!cores.isEmpty()) {
            recorded.put(TaskEnvironment.CPU_CORES, CoreReservations.cpuset(cores));
        }
        return recorded;
    }

    /**
     * Takes back the cores a recovered task recorded in its environment overrides. A task that ran under a runner
     * that did not record them ran on the lowest cores: it holds those.
     */
    void restore(@Nullable Map<String, String> recordedOverrides, boolean ran) {
        if (count == 0) {
            return;
        }
        String recorded = recordedOverrides == null ? null : recordedOverrides.get(TaskEnvironment.CPU_CORES);
        Optional<List<Integer>> cores = parse(recorded);
        if (cores.isPresent()) {
            reservations.restore(id, cores.get());
        } else if (ran) {
            reservations.restore(id, reservations.lowest(count));
        }
    }

    /** The cores of a recorded cpuset list; empty when none was recorded, or not one the runner wrote. */
    private static Optional<List<Integer>> parse(@Nullable String recorded) {
        if (recorded == null || recorded.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostCores.parse(recorded));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
