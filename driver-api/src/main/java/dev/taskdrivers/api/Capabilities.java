package dev.taskdrivers.api;

import java.util.Objects;

/**
 * What a driver's task handles support.
 *
 * @param signals whether {@link TaskHandle#signal} works
 * @param exec whether {@link TaskHandle#exec} works
 * @param fsIsolation how the task's filesystem is isolated
 */
public record Capabilities(boolean signals, boolean exec, FsIsolation fsIsolation) {
    public Capabilities {
        Objects.requireNonNull(fsIsolation, "fsIsolation");
    }

    /** How a task's filesystem is separated from the host's. */
    public enum FsIsolation {
        /** The task sees the host filesystem. */
        NONE,
        /** The task runs in a chroot. */
        CHROOT,
        /** The task runs in its own image (container or VM). */
        IMAGE
    }
}
