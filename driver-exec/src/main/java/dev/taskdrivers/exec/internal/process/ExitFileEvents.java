package dev.taskdrivers.exec.internal.process;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which files appear in watched directories as the kernel reports them (inotify on Linux), so exits are
 * learned without polling: one blocked thread for all directories, no work while nothing happens.
 *
 * <p>A directory whose events cannot be had (no inotify instance left, a file system without events, the directory
 * removed) is reported to {@code onLost}, and its owner lists it instead. When the kernel dropped events (its queue
 * overflowed) {@code onOverflow} is called, and the owner lists every directory once.
 */
final class ExitFileEvents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExitFileEvents.class);

    /** Absent where the platform has no file events. */
    private final @Nullable WatchService service;

    private final Map<WatchKey, Path> dirs = new ConcurrentHashMap<>();
    private final Consumer<Path> onFile;
    private final Consumer<Path> onLost;
    private final Runnable onOverflow;
    private volatile boolean closed;

    /**
     * @param onFile called with the path of each file created or moved into a watched directory
     * @param onLost called with a directory whose events stopped
     * @param onOverflow called when events were dropped
     */
    ExitFileEvents(Consumer<Path> onFile, Consumer<Path> onLost, Runnable onOverflow) {
        this.onFile = onFile;
        this.onLost = onLost;
        this.onOverflow = onOverflow;
        WatchService created;
        try {
            created = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("no file events ({}): exits are found by listing their directories", e.toString());
            created = null;
        }
        this.service = created;
        if (created != null) {
            WatchService events = created;
            Thread thread = new Thread(() -> deliver(events), "taskdrivers-exit-events");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Starts reporting files appearing in {@code dir}; whether it will (else the caller lists it). */
    boolean watch(Path dir) {
        if (service == null) {
            return false;
        }
        try {
            dirs.put(dir.register(service, StandardWatchEventKinds.ENTRY_CREATE), dir);
            return true;
        } catch (IOException | ClosedWatchServiceException | UnsupportedOperationException e) {
            LOG.debug("no file events for {}: {}", dir, e.toString());
            return false;
        }
    }

    /** Stops the events thread. */
    @Override
    public void close() {
        closed = true;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                LOG.debug("closing the file events: {}", e.toString());
            }
        }
    }

    private void deliver(WatchService service) {
        try {
            while (true) {
                WatchKey key = service.take();
                if (closed) {
                    return;
                }
                Path dir = dirs.get(key);
                for (WatchEvent<?> event : key.pollEvents()) {
                    try {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            onOverflow.run();
                        } else if (dir != null && event.context() instanceof Path name) {
                            onFile.accept(dir.resolve(name));
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("handling a file event failed", e);
                    }
                }
                if (!key.reset() && dir != null) {
                    dirs.remove(key);
                    onLost.accept(dir);
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed: done
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
