package dev.taskdrivers.runner.internal.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The files one template's {@code file} calls read, checked for a change at a fixed interval, as consul-template
 * polls them: a file written, replaced, created or removed since the render that read it calls {@code onChange}
 * once. Polling (not inotify) also sees files replaced through symbolic links and on any file system.
 */
final class WatchedFiles implements AutoCloseable {
    /** How often the files are checked. */
    static final Duration INTERVAL = Duration.ofSeconds(1);

    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Runnable onChange;

    // guarded by this: each file with its stamp when last read or seen; empty when it did not exist
    private final Map<Path, Optional<Stamp>> files = new HashMap<>();
    private @Nullable ScheduledFuture<?> poll;
    private boolean closed;

    WatchedFiles(ScheduledExecutorService scheduler, Duration interval, Runnable onChange) {
        this.scheduler = scheduler;
        this.interval = interval;
        this.onChange = onChange;
    }

    /** The file's stamp now; taken before reading it, so a write during the read shows as a change later. */
    static Optional<Stamp> stamp(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(a.lastModifiedTime(), a.size(), a.fileKey()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** After a render: the files it read, each with its stamp when read; polling runs while there are any. */
    synchronized void follow(Map<Path, Optional<Stamp>> read) {
        files.clear();
        files.putAll(read);
        if (closed) {
            return;
        }
        if (files.isEmpty()) {
            cancelPoll();
        } else if (poll == null) {
            try {
                poll = scheduler.scheduleWithFixedDelay(
                        this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the runner is closing
            }
        }
    }

    /** Stops polling. */
    @Override
    public synchronized void close() {
        closed = true;
        cancelPoll();
    }

    private void cancelPoll() {
        if (poll != null) {
            poll.cancel(false);
            poll = null;
        }
    }

    private void check() {
        boolean changed = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Map.Entry<Path, Optional<Stamp>> e : files.entrySet()) {
                Optional<Stamp> now = stamp(e.getKey());
                if (!now.equals(e.getValue())) {
                    e.setValue(now); // reported once: the render this triggers reads it again
                    changed = true;
                }
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    /** What tells one version of a file from another without reading it. */
    record Stamp(FileTime modified, long size, @Nullable Object fileKey) {}
}
