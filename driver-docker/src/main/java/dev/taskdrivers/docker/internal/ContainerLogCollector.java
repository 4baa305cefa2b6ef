package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a container's stdout and stderr into the task's log files (Nomad's layout, rotated by the task's limits),
 * following the engine's log stream with time stamps, as Nomad's docker logger does. Its position is saved
 * ({@link LogPosition}) at most every {@value #SAVE_EVERY_MS} ms and when it stops; a collector started again for
 * the same container (after the runner restarted) cuts the files back to that position and asks the engine for the
 * lines from its second on, skipping those it had, so nothing is lost or written twice.
 *
 * <p>The engine may stamp a stderr line before a stdout line it logged earlier, so the position is a count of lines
 * at or after a second a little behind the latest seen, not a time stamp. A container with a TTY has one raw stream
 * without line boundaries: it is collected, but after a restart from the saved second on, which may repeat up to a
 * second of output.
 */
public final class ContainerLogCollector implements Closeable {
    static final long SAVE_EVERY_MS = 200;
    /** The engine's line buffer: longer lines come in parts of this size. */
    private static final int PART = 16 * 1024;
    /** Output without a newline for this long (a TTY's) is written as it is. */
    private static final int MAX_PENDING = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogCollector.class);

    private final String containerId;
    private final Path positionFile;
    private final RotatingLogWriter stdout;
    private final RotatingLogWriter stderr;
    private final boolean tty;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicLong frames = new AtomicLong();
    /** Lines received per second of their time stamp, from {@link #base} on; guarded by this. */
    private final TreeMap<Long, Long> perSecond = new TreeMap<>();

    private final LineBuffer stdoutPending = new LineBuffer();
    private final LineBuffer stderrPending = new LineBuffer();

    private long base;
    private long toSkip;
    private long lastSave;
    private long lastStampSecond = Long.MIN_VALUE;
    private final byte[] lastStampPrefix = new byte[19];
    private boolean closed;
    /** Set once following starts; null before. */
    private ResultCallback.@Nullable Adapter<Frame> callback;

    private ContainerLogCollector(
            String containerId,
            Path positionFile,
            RotatingLogWriter stdout,
            RotatingLogWriter stderr,
            boolean tty,
            long base,
            long toSkip) {
        this.containerId = containerId;
        this.positionFile = positionFile;
        this.stdout = stdout;
        this.stderr = stderr;
        this.tty = tty;
        this.base = base;
        this.toSkip = toSkip;
    }

    /**
     * Starts collecting: from the position saved in {@code positionFile} for this container, else from the start.
     *
     * @throws IOException when the log files cannot be opened
     */
    public static ContainerLogCollector start(
            DockerClient docker,
            String containerId,
            boolean tty,
            Path logsDir,
            String taskName,
            LogConfig limits,
            Path positionFile)
            throws IOException {
        Optional<LogPosition> saved = LogPosition.read(positionFile, containerId);
        if (saved.isPresent()) {
            LogPosition p = saved.get();
            RotatingLogWriter.truncateTo(logsDir, taskName, LogStream.STDOUT, p.stdoutIndex(), p.stdoutSize());
            RotatingLogWriter.truncateTo(logsDir, taskName, LogStream.STDERR, p.stderrIndex(), p.stderrSize());
        }
        RotatingLogWriter out = RotatingLogWriter.open(logsDir, taskName, LogStream.STDOUT, limits);
        RotatingLogWriter err;
        try {
            err = RotatingLogWriter.open(logsDir, taskName, LogStream.STDERR, limits);
        } catch (IOException e) {
            out.close();
            throw e;
        }
        long since = saved.map(LogPosition::sinceSecond).orElse(0L);
        ContainerLogCollector collector = new ContainerLogCollector(
                containerId,
                positionFile,
                out,
                err,
                tty,
                since,
                saved.map(LogPosition::skip).orElse(0L));
        collector.follow(docker, since);
        return collector;
    }

    private void follow(DockerClient docker, long since) {
        ResultCallback.Adapter<Frame> cb = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                received(frame);
            }

            @Override
            public void onError(Throwable error) {
                if (!isClosed()) {
                    LOG.warn("following the log of container {} failed: {}", shortId(), error.toString());
                }
                stopped();
                // not super.onError: it logs the same failure again, as an error with its stack trace
                try {
                    close();
                } catch (IOException e) {
                    LOG.debug("closing the log stream of container {}: {}", shortId(), e.toString());
                }
            }

            @Override
            public void onComplete() {
                stopped();
                super.onComplete();
            }
        };
        synchronized (this) {
            callback = cb;
        }
        var cmd = docker.logContainerCmd(containerId)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .withTimestamps(true);
        if (since > 0) {
            cmd.withSince((int) since);
        }
        cmd.exec(cb);
    }

    /** Completes when the engine's stream ended (the container exited and all of its output is in the files). */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    /**
     * Completes when the stream ended, or when it stalled: nothing arrived for {@code idle} (a container that wrote
     * faster than its output is collected is waited for as long as its output keeps coming).
     */
    public CompletableFuture<Void> drained(Duration idle, ScheduledExecutorService scheduler) {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        finished.thenRun(() -> drained.complete(null));
        long[] seen = {-1};
        long[] since = {System.nanoTime()};
        var check = scheduler.scheduleWithFixedDelay(
                () -> {
                    long now = frames.get();
                    if (now != seen[0]) {
                        seen[0] = now;
                        since[0] = System.nanoTime();
                    } else if (System.nanoTime() - since[0] >= idle.toNanos()) {
                        drained.complete(null);
                    }
                },
                0,
                200,
                TimeUnit.MILLISECONDS);
        drained.whenComplete((v, e) -> check.cancel(false));
        return drained;
    }

    /**
     * The client may hand over a frame in pieces, or several in one: the bytes of each stream are put back together
     * into the engine's lines, each of which starts with its time stamp.
     */
    private synchronized void received(Frame frame) {
        if (closed) {
            return;
        }
        frames.incrementAndGet();
        boolean isStderr = frame.getStreamType() == StreamType.STDERR;
        LineBuffer pending = isStderr ? stderrPending : stdoutPending;
        pending.append(frame.getPayload());
        byte[] bytes = pending.bytes();
        int pos = 0;
        while (pos < pending.size()) {
            int end = pending.indexOf((byte) '\n', pos);
            if (end < 0) {
                if (pending.size() - pos > MAX_PENDING) {
                    line(bytes, pos, pending.size(), isStderr ? stderr : stdout);
                    pos = pending.size();
                }
                break;
            }
            line(bytes, pos, end + 1, isStderr ? stderr : stdout);
            pos = end + 1;
        }
        pending.drop(pos);
        long now = System.currentTimeMillis();
        if (now - lastSave >= SAVE_EVERY_MS) {
            save();
            lastSave = now;
        }
    }

    /** One line of the engine's: its stamp is counted (and the line skipped when it was collected before). */
    private void line(byte[] bytes, int from, int length, RotatingLogWriter writer) {
        int space = indexOf(bytes, from, length, (byte) ' ');
        long second = space > from ? second(bytes, from, space) : Long.MIN_VALUE;
        int start = second == Long.MIN_VALUE ? from : space + 1;
        if (second != Long.MIN_VALUE && !tty) {
            perSecond.merge(second, 1L, Long::sum);
            if (toSkip > 0) {
                toSkip--;
                return;
            }
        }
        try {
            // a line longer than the engine's 16 KiB buffer comes in parts, each stamped: drop the inner stamps
            int at = start;
            while (length - at > PART && stampAt(bytes, at + PART, length)) {
                writer.write(bytes, at, PART);
                at = indexOf(bytes, at + PART, length, (byte) ' ') + 1;
            }
            writer.write(bytes, at, length - at);
        } catch (IOException e) {
            LOG.warn("cannot write the log of container {}: {}", shortId(), e.toString());
        }
    }

    private static boolean stampAt(byte[] b, int at, int length) {
        int space = indexOf(b, at, length, (byte) ' ');
        return space - at >= 20 && b[at + 4] == '-' && b[at + 10] == 'T' && b[space - 1] == 'Z';
    }

    /**
     * Saves the position: the second before the latest seen (stamps of the two streams may be out of order by a
     * little) and how many lines from it on are in the files.
     */
    private void save() {
        if (!perSecond.isEmpty() && toSkip == 0) { // while lines are skipped the position is the one resumed from
            long newBase = Math.max(base, perSecond.lastKey() - 1);
            perSecond.headMap(newBase).clear();
            base = newBase;
        }
        long count = tty
                ? 0
                : perSecond.tailMap(base).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
        try {
            new LogPosition(
                            containerId,
                            base,
                            count + toSkip,
                            stdout.index(),
                            stdout.size(),
                            stderr.index(),
                            stderr.size())
                    .write(positionFile);
        } catch (IOException e) {
            LOG.warn("cannot save the log position of container {}: {}", shortId(), e.toString());
        }
    }

    /** The epoch second of an RFC 3339 stamp ({@code 2026-11-30T10:29:06.123456789Z}); the last one is reused. */
    private long second(byte[] p, int at, int space) {
        if (space - at < 20 || p[at + 4] != '-' || p[at + 10] != 'T' || p[space - 1] != 'Z') {
            return Long.MIN_VALUE;
        }
        boolean same = lastStampSecond != Long.MIN_VALUE;
        for (int i = 0; i < 19 && same; i++) {
            same = p[at + i] == lastStampPrefix[i];
        }
        if (same) {
            return lastStampSecond;
        }
        try {
            String text = new String(p, at, 19, java.nio.charset.StandardCharsets.US_ASCII);
            lastStampSecond = LocalDateTime.parse(text).toEpochSecond(ZoneOffset.UTC);
            System.arraycopy(p, at, lastStampPrefix, 0, 19);
            return lastStampSecond;
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static int indexOf(byte[] bytes, int from, int length, byte b) {
        for (int i = from; i < Math.min(length, from + 40); i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void stopped() {
        synchronized (this) {
            if (!closed) {
                // the stream ended: a last line without its newline is complete
                if (stdoutPending.size() > 0) {
                    line(stdoutPending.bytes(), 0, stdoutPending.size(), stdout);
                }
                if (stderrPending.size() > 0) {
                    line(stderrPending.bytes(), 0, stderrPending.size(), stderr);
                }
                save();
                closed = true;
                closeWriters();
            }
        }
        finished.complete(null);
    }

    /** Stops following (the runner is going away or the container is removed); the position is saved first. */
    @Override
    public void close() {
        ResultCallback.@Nullable Adapter<Frame> cb;
        synchronized (this) {
            if (!closed) {
                save();
                closed = true;
                closeWriters();
            }
            cb = callback;
        }
        if (cb != null) {
            try {
                cb.close();
            } catch (IOException e) {
                LOG.debug("closing the log stream of container {}: {}", shortId(), e.toString());
            }
        }
        finished.complete(null);
    }

    private void closeWriters() {
        for (RotatingLogWriter w : new RotatingLogWriter[] {stdout, stderr}) {
            try {
                w.close();
            } catch (IOException e) {
                LOG.debug("closing a log of container {}: {}", shortId(), e.toString());
            }
        }
    }

    private String shortId() {
        return containerId.substring(0, Math.min(12, containerId.length()));
    }

    /** The positions file of a task: in its own directory, which the container does not see. */
    public static Path positionFile(Path taskDir) {
        return taskDir.resolve("docker-logs.position");
    }
}
