package dev.taskdrivers.hostprocess;

import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.api.LogStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of a task's log in Nomad's layout ({@code <task>.stdout.N}), written by a process that holds the current
 * file open with {@code O_APPEND} and never reopens it, so no process or thread per task is needed.
 *
 * <p>Nomad writes index N until it is full, then N+1, and deletes the lowest indexes beyond {@code max_files}. Here
 * the task keeps writing the same inode, so a rotation moves the written part out from under it instead: it copies
 * the file's first K bytes (K a whole number of file-system blocks) to {@link LogStream#rotatingFile}, links the file
 * as N+1, removes those K bytes from its start ({@code fallocate --collapse-range}: the task's appends go on at the
 * new end, nothing is lost) and renames the copy to N. Readers wait while the copy exists, so they never see the
 * file shifting. Where the file system cannot collapse a range (tmpfs), the copy takes the whole file and the file
 * is truncated: what the task writes between the copy and the truncation is lost.
 */
public final class RotatingLogFile {
    private static final Logger LOG = LoggerFactory.getLogger(RotatingLogFile.class);
    private static final long FALLBACK_BLOCK = 4096;
    private static volatile boolean collapseUnsupported;

    private final Path dir;
    private final String taskName;
    private final LogStream stream;
    private final LogConfig limits;
    private volatile int current;
    /** False until the existing files were listed and tidied, for a log opened by {@link #openBothLater}. */
    private volatile boolean listed;

    private RotatingLogFile(Path dir, String taskName, LogStream stream, LogConfig limits, int current) {
        this.dir = dir;
        this.taskName = taskName;
        this.stream = stream;
        this.limits = limits;
        this.current = current;
        this.listed = true;
    }

    /**
     * The log of one stream, going on at its highest existing index (a restarted task appends to where the last one
     * stopped); a rotation a crash cut short is finished or undone first. Does not create the file.
     */
    public static RotatingLogFile open(Path logsDir, String taskName, LogStream stream, LogConfig limits) {
        return open(logsDir, taskName, stream, limits, ExistingLogFiles.list(logsDir, taskName));
    }

    /** Both streams of a task. */
    public static List<RotatingLogFile> openBoth(Path logsDir, String taskName, LogConfig limits) {
        ExistingLogFiles existing = ExistingLogFiles.list(logsDir, taskName);
        return List.of(
                open(logsDir, taskName, LogStream.STDOUT, limits, existing),
                open(logsDir, taskName, LogStream.STDERR, limits, existing));
    }

    /**
     * Both streams of a task whose process already writes them (one reattached after a restart): the same as
     * {@link #openBoth}, but the existing files are listed and tidied on the first call that needs the current index,
     * so taking over thousands of tasks lists no log directory; the poller that checks their sizes does it later.
     */
    public static List<RotatingLogFile> openBothLater(Path logsDir, String taskName, LogConfig limits) {
        Objects.requireNonNull(limits, "limits");
        RotatingLogFile out = new RotatingLogFile(logsDir, taskName, LogStream.STDOUT, limits, 0);
        RotatingLogFile err = new RotatingLogFile(logsDir, taskName, LogStream.STDERR, limits, 0);
        out.listed = false;
        err.listed = false;
        return List.of(out, err);
    }

    private static RotatingLogFile open(
            Path logsDir, String taskName, LogStream stream, LogConfig limits, ExistingLogFiles existing) {
        Objects.requireNonNull(limits, "limits");
        RotatingLogFile log = new RotatingLogFile(logsDir, taskName, stream, limits, existing.highestIndex(stream));
        log.tidy(existing);
        return log;
    }

    /** Goes on at the highest existing index after finishing a rotation a crash cut short, and drops old files. */
    private void tidy(ExistingLogFiles existing) {
        current = existing.highestIndex(stream);
        try {
            if (existing.rotating(stream)) {
                finishCutShortRotation();
                current = ExistingLogFiles.list(dir, taskName).highestIndex(stream);
            }
            deleteOld();
        } catch (IOException e) {
            LOG.warn("cannot tidy the log {}: {}", file(current), e.toString());
        }
    }

    /** Lists and tidies the existing files once, for a log opened by {@link #openBothLater}. */
    private void listOnce() {
        if (listed) {
            return;
        }
        synchronized (this) {
            if (!listed) {
                tidy(ExistingLogFiles.list(dir, taskName));
                listed = true;
            }
        }
    }

    /** The file the task writes now; a task started now opens this one. */
    public Path currentFile() {
        listOnce();
        return file(current);
    }

    /** The file of {@code index}. */
    public Path file(int index) {
        return stream.file(dir, taskName, index);
    }

    public LogConfig limits() {
        return limits;
    }

    public long maxFileBytes() {
        return limits.maxFileSizeBytes();
    }

    /** Rotates when the current file reached the size limit; returns whether it did. */
    public synchronized boolean rotateIfFull() throws IOException {
        if (size(currentFile()) < maxFileBytes()) {
            return false;
        }
        return rotate();
    }

    /**
     * Moves what the current file holds to its index and makes it the next index (see the class comment); false when
     * there is too little to move yet.
     */
    public synchronized boolean rotate() throws IOException {
        Path live = currentFile(); // lists the existing files first when not done yet
        long size = size(live);
        if (size == 0) {
            return false;
        }
        Path next = file(current + 1);
        Path copy = stream.rotatingFile(dir, taskName);
        long block = blockSize(live);
        // a collapsed range must end before the end of the file; a full file keeps at most the limit (whole blocks,
        // at least one) and the rest stays in the live file for the next rotation
        long limit = Math.max(block, maxFileBytes() / block * block);
        long prefix = Math.min((size - 1) / block * block, limit);
        if (prefix == 0 && !collapseUnsupported) {
            return false; // less than a block past the start: rotated once there is more, without loss
        }
        boolean collapse = !collapseUnsupported;
        copyPrefix(live, copy, collapse ? prefix : Long.MAX_VALUE);
        Files.deleteIfExists(next);
        Files.createLink(next, live);
        if (!collapse || !collapse(next, prefix)) {
            copyPrefix(live, copy, Long.MAX_VALUE);
            truncate(live);
        }
        Files.move(copy, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        current++;
        deleteOld();
        return true;
    }

    /** Deletes every file of this log. */
    public synchronized void delete() throws IOException {
        listOnce();
        Files.deleteIfExists(stream.rotatingFile(dir, taskName));
        for (int i = current; i >= 0; i--) {
            Files.deleteIfExists(file(i));
        }
    }

    private void deleteOld() throws IOException {
        for (int i = current - limits.maxFiles(); i >= 0; i--) {
            if (!Files.deleteIfExists(file(i))) {
                break;
            }
        }
    }

    /**
     * A copy left behind by a runner killed mid-rotation: once the file was linked as the next index (it may have
     * been collapsed) the copy is its start and becomes its index; before that the rotation had changed nothing.
     */
    private void finishCutShortRotation() throws IOException {
        Path copy = stream.rotatingFile(dir, taskName);
        if (!Files.exists(copy)) {
            return;
        }
        int highest = current;
        if (highest > 0 && Files.isSameFile(file(highest), file(highest - 1))) {
            Files.move(copy, file(highest - 1), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.delete(copy);
        }
    }

    private static long size(Path file) throws IOException {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static long blockSize(Path file) {
        try {
            long block = Files.getFileStore(file).getBlockSize();
            return block > 0 ? block : FALLBACK_BLOCK;
        } catch (IOException | UnsupportedOperationException e) {
            return FALLBACK_BLOCK;
        }
    }

    /** Copies the first {@code limit} bytes (all when the file is shorter) to a new {@code target}. */
    private static void copyPrefix(Path source, Path target, long limit) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(
                        target,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            long end = Math.min(limit, in.size());
            long done = 0;
            while (done < end) {
                done += in.transferTo(done, end - done, out);
            }
        }
    }

    /** Removes the first {@code length} bytes of the file; false when the file system cannot. */
    private static boolean collapse(Path file, long length) {
        try {
            Process p = new ProcessBuilder(
                            "fallocate",
                            "--collapse-range",
                            "--offset",
                            "0",
                            "--length",
                            Long.toString(length),
                            file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            if (p.exitValue() == 0) {
                return true;
            }
        } catch (IOException e) {
            LOG.debug("fallocate: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        LOG.info(
                "{} cannot drop the start of a file (fallocate --collapse-range); logs rotate by copy and truncation,"
                        + " which may lose what a task writes during a rotation",
                file.getParent());
        collapseUnsupported = true;
        return false;
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
        }
    }

    @Override
    public String toString() {
        return "RotatingLogFile[" + file(current) + ", " + limits + "]";
    }
}
