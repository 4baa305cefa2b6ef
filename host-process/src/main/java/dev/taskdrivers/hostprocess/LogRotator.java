package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    /** Held by a round, so a watch being closed knows no rotation of its logs is under way. */
    private final Object roundLock = new Object();

    /** @param threadName the name of its thread, e.g. {@code qemu-log-rotator} */
    public LogRotator(String threadName) {
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(this::round, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Rotates these logs until the returned watch is closed. Closing it waits for a round in progress and rotates
     * them one last time, so once it returns their files are final: a driver closes it before it tells a task's end.
     */
    public Watch watch(List<RotatingLogFile> watched) {
        logs.addAll(watched);
        return new Watch(watched);
    }

    private void round() {
        synchronized (roundLock) {
            logs.forEach(LogRotator::rotateWhileFull);
        }
    }

    private static void rotateWhileFull(RotatingLogFile log) {
        try {
            int rotations = 0;
            while (rotations < MAX_ROTATIONS_AT_ONCE && log.rotateIfFull()) {
                rotations++;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot rotate {}: {}", log.currentFile(), e.toString());
        }
    }

    /** The rotation of one task's logs; see {@link #watch}. */
    public final class Watch implements AutoCloseable {
        private final List<RotatingLogFile> watched;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Watch(List<RotatingLogFile> watched) {
            this.watched = List.copyOf(watched);
        }

        /** Stops rotating these logs, once the round in progress ended and after a last rotation; idempotent. */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            watched.forEach(logs::remove);
            synchronized (roundLock) {
                watched.forEach(LogRotator::rotateWhileFull);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
