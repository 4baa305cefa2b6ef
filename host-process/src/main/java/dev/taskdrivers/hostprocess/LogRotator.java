package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the logs of a driver's host processes ({@link RotatingLogFile}) from one thread: each is checked every
 * {@link #INTERVAL}, so a log may pass its size limit by what its task writes in that time. A log that grew by several
 * files' worth since its last check is rotated as often as it takes (up to 64 times), so
 * a task that writes faster than one file per interval does not leave its file growing past the limit.
 */
public final class LogRotator implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    /** The most rotations of one log in one check. */
    private static final int MAX_ROTATIONS_AT_ONCE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(LogRotator.class);

    private final Set<RotatingLogFile> logs = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread;

    /** @param threadName the name of its thread, e.g. {@code qemu-log-rotator} */
    public LogRotator(String threadName) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Rotates these logs until the returned handle is closed. */
    public AutoCloseable watch(List<RotatingLogFile> watched) {
        logs.addAll(watched);
        return () -> watched.forEach(logs::remove);
    }

    private void round() {
        for (RotatingLogFile log : logs) {
            try {
                int rotations = 0;
                while (rotations < MAX_ROTATIONS_AT_ONCE && log.rotateIfFull()) {
                    rotations++;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot rotate {}: {}", log.currentFile(), e.toString());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
