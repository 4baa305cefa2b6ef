package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.time.Duration;

/** Starts tasks under a supervisor detached from this JVM: the shell {@link SupervisedLauncher} or a fork server. */
public interface TaskLauncher extends AutoCloseable {

    /**
     * Starts {@code spec} and returns once the task runs (or already ended).
     *
     * @throws IOException when the task could not be started; the message says why
     */
    SupervisedTask launch(LaunchSpec spec, Duration timeout) throws IOException;

    /** Releases what the launcher holds in this JVM. Tasks already started keep running and being supervised. */
    @Override
    default void close() {}
}
