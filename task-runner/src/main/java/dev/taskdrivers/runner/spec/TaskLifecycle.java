package dev.taskdrivers.runner.spec;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * When a task runs relative to its group's main tasks (those without a lifecycle), as Nomad's {@code lifecycle}
 * block says it:
 * <ul>
 *   <li>{@link Hook#PRESTART}: starts first; the main tasks start once every ephemeral prestart task completed
 *       successfully and every prestart sidecar started.
 *   <li>{@link Hook#POSTSTART}: starts once every main task has started.
 *   <li>{@link Hook#POSTSTOP}: starts once every main task has stopped, whether they completed, failed or were
 *       stopped.
 * </ul>
 * A sidecar runs for the allocation's life: it is restarted by its restart policy whenever it ends, and stopped once
 * the main tasks (and the ephemeral hook tasks still running) have ended. A task that is not a sidecar is ephemeral:
 * once it completed successfully it is not started again. As in Nomad, {@code sidecar} has no effect on a poststop
 * task, which always runs once.
 */
public final class TaskLifecycle {
    /** The point of the group's lifecycle a task is attached to. */
    public enum Hook {
        PRESTART,
        POSTSTART,
        POSTSTOP;

        /** The name in the JSON and HCL specs, e.g. {@code prestart}. */
        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The hook named {@code name} in a spec, if there is one. */
        public static Optional<Hook> fromSpecName(String name) {
            for (Hook h : values()) {
                if (h.specName().equals(name)) {
                    return Optional.of(h);
                }
            }
            return Optional.empty();
        }
    }

    private final Hook hook;
    private final boolean sidecar;

    private TaskLifecycle(Hook hook, boolean sidecar) {
        this.hook = Objects.requireNonNull(hook, "hook");
        this.sidecar = sidecar;
    }

    /** A task run at {@code hook}, long-lived when {@code sidecar}. */
    public static TaskLifecycle of(Hook hook, boolean sidecar) {
        return new TaskLifecycle(hook, sidecar);
    }

    /** Runs to completion before the main tasks start. */
    public static TaskLifecycle prestart() {
        return of(Hook.PRESTART, false);
    }

    /** Starts before the main tasks and runs as long as they do. */
    public static TaskLifecycle prestartSidecar() {
        return of(Hook.PRESTART, true);
    }

    /** Runs once after the main tasks started. */
    public static TaskLifecycle poststart() {
        return of(Hook.POSTSTART, false);
    }

    /** Starts after the main tasks started and runs as long as they do. */
    public static TaskLifecycle poststartSidecar() {
        return of(Hook.POSTSTART, true);
    }

    /** Runs once after the main tasks stopped. */
    public static TaskLifecycle poststop() {
        return of(Hook.POSTSTOP, false);
    }

    public Hook hook() {
        return hook;
    }

    /** Whether the task runs for the allocation's life instead of once. */
    public boolean sidecar() {
        return sidecar;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof TaskLifecycle l && hook == l.hook && sidecar == l.sidecar;
    }

    @Override
    public int hashCode() {
        return Objects.hash(hook, sidecar);
    }

    @Override
    public String toString() {
        return hook.specName() + (sidecar ? " sidecar" : "");
    }
}
