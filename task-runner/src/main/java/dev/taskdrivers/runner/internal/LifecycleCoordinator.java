package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides when each task of one allocation may start, from its tasks' lifecycle hooks: prestart tasks at once, main
 * tasks once every ephemeral prestart task completed successfully and every prestart sidecar started, poststart tasks
 * once every main task started, poststop tasks once every main task is dead. Each gate opens once and stays open
 * (a main task restarting later does not hold poststart tasks back again). A task that may not start yet is parked
 * with what starts it ({@code L}), handed back when its gate opens: as in Nomad, that is before the task is
 * prepared at all (its directory, artifacts, driver prestart, templates), so what its preparation reads (a file a
 * prestart task wrote into {@code alloc/}) is there by then. Once the allocation is being stopped, the main and poststart gates
 * never open; the poststop gate still does, unless the allocation reached its run deadline: then no gate opens again.
 *
 * <p>It knows tasks by name and only from what it is told (started, dead, restored), so it never calls into a task
 * under its lock; what it decides (launches to run, sidecars to stop) is handed back for the caller to carry out.
 */
final class LifecycleCoordinator<L> {
    private final Map<String, LifecycleRole> roles = new LinkedHashMap<>();
    private final Set<String> started = new HashSet<>();
    private final Set<String> dead = new HashSet<>();
    private final Set<String> succeeded = new HashSet<>();
    private final Map<String, L> parked = new LinkedHashMap<>();
    private final Set<LifecycleRole> open = new HashSet<>();
    private boolean stopping;
    private boolean expired;
    private boolean sidecarsStopped;

    /** What a parked task waits for: the hook ({@code prestart}, {@code main}) and the tasks it waits on. */
    record Wait(String waitingFor, List<String> tasks) {
        String message() {
            return switch (waitingFor) {
                case "prestart" -> "Task waiting for the prestart tasks to complete: " + String.join(", ", tasks);
                case "main start" -> "Task waiting for the main tasks to start: " + String.join(", ", tasks);
                default -> "Task waiting for the main tasks to stop: " + String.join(", ", tasks);
            };
        }

        Map<String, String> details() {
            return Map.of("waiting_for", waitingFor, "tasks", String.join(",", tasks));
        }
    }

    /** What a task's death changes: parked launches to run now, sidecars to stop. */
    record AfterDeath<L>(List<L> launches, List<String> sidecarsToStop) {}

    LifecycleCoordinator(List<TaskSpec> tasks) {
        for (TaskSpec t : tasks) {
            roles.put(t.name(), LifecycleRole.of(t));
        }
    }

    LifecycleRole role(String task) {
        return roles.getOrDefault(task, LifecycleRole.MAIN);
    }

    /** Records what a task read from its state file had done before the runner restarted. */
    synchronized void restored(String task, boolean hasStarted, boolean isDead, boolean hasSucceeded) {
        if (hasStarted) {
            started.add(task);
        }
        if (isDead) {
            dead.add(task);
        }
        if (hasSucceeded) {
            succeeded.add(task);
        }
    }

    /** Empty when {@code task} may start now; else what it waits for. */
    synchronized Optional<Wait> waitFor(String task) {
        return waitOf(role(task));
    }

    /**
     * Parks {@code task} with its {@code launch}, which runs once it may start (or is handed back by {@link #unpark}
     * when it is killed first). Returns false, parking nothing, when it may start already.
     */
    synchronized boolean park(String task, L launch) {
        if (waitOf(role(task)).isEmpty()) {
            return false;
        }
        parked.put(task, launch);
        return true;
    }

    /** {@code task} started: returns the parked launches this lets go. */
    synchronized List<L> started(String task) {
        started.add(task);
        return releasable();
    }

    /** {@code task} is dead for good: returns the parked launches this lets go and the sidecars to stop now. */
    synchronized AfterDeath<L> dead(String task, boolean hasSucceeded) {
        dead.add(task);
        if (hasSucceeded) {
            succeeded.add(task);
        }
        return new AfterDeath<>(releasable(), sidecarsToStop());
    }

    /** The sidecars to stop because every task they serve is dead, e.g. found so after a recovery; else none. */
    synchronized List<String> sidecarsToStop() {
        if (sidecarsStopped) {
            return List.of();
        }
        if (roles.values().stream().noneMatch(LifecycleRole::keepsSidecarsAlive)) {
            return List.of(); // sidecars alone: nothing ends their service but a stop
        }
        boolean served = roles.entrySet().stream()
                .anyMatch(e -> e.getValue().keepsSidecarsAlive() && !dead.contains(e.getKey()));
        if (served) {
            return List.of();
        }
        sidecarsStopped = true;
        return roles.entrySet().stream()
                .filter(e -> e.getValue().isSidecar() && !dead.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The allocation is being stopped: main and poststart tasks that have not started never will. */
    synchronized void stopping() {
        stopping = true;
    }

    /**
     * The allocation reached its {@code max_run_duration}: main and poststart tasks that have not started never will,
     * nor will poststop tasks whose gate has not opened yet.
     */
    synchronized void expired() {
        stopping = true;
        expired = true;
    }

    /** Takes a parked task's launch back, e.g. because it is killed before it started; empty when not parked. */
    synchronized Optional<L> unpark(String task) {
        return Optional.ofNullable(parked.remove(task));
    }

    private List<L> releasable() {
        List<L> launches = new ArrayList<>();
        parked.entrySet().removeIf(e -> {
            if (waitOf(role(e.getKey())).isEmpty()) {
                launches.add(e.getValue());
                return true;
            }
            return false;
        });
        return launches;
    }

    private Optional<Wait> waitOf(LifecycleRole role) {
        return switch (role) {
            case PRESTART, PRESTART_SIDECAR -> Optional.empty();
            case MAIN ->
                gate(
                        LifecycleRole.MAIN,
                        "prestart",
                        pending(r -> r == LifecycleRole.PRESTART, succeeded),
                        pending(r -> r == LifecycleRole.PRESTART_SIDECAR, started));
            case POSTSTART, POSTSTART_SIDECAR ->
                gate(LifecycleRole.POSTSTART, "main start", pending(r -> r == LifecycleRole.MAIN, started), List.of());
            case POSTSTOP ->
                gate(LifecycleRole.POSTSTOP, "main stop", pending(r -> r == LifecycleRole.MAIN, dead), List.of());
        };
    }

    /** Empty when the gate of {@code gate} is open or opens now that nothing is pending; else the wait. */
    private Optional<Wait> gate(LifecycleRole gate, String waitingFor, List<String> pending, List<String> alsoPending) {
        if (open.contains(gate)) {
            return Optional.empty();
        }
        List<String> all = new ArrayList<>(pending);
        all.addAll(alsoPending);
        boolean blockedByStop = expired || (stopping && gate != LifecycleRole.POSTSTOP);
        if (all.isEmpty() && !blockedByStop) {
            open.add(gate);
            return Optional.empty();
        }
        return Optional.of(new Wait(waitingFor, all));
    }

    /** Tasks of the roles {@code which} not yet in {@code done}. */
    private List<String> pending(java.util.function.Predicate<LifecycleRole> which, Set<String> done) {
        return roles.entrySet().stream()
                .filter(e -> which.test(e.getValue()) && !done.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .toList();
    }
}
