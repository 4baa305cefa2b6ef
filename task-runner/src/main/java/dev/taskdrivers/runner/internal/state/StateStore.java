package dev.taskdrivers.runner.internal.state;

import dev.taskdrivers.runner.StateFileProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Task state files: {@code <dir>/<allocId>/<task>.json}. Each write is atomic: a temp file in the same directory is
 * written and renamed over the old file, so a crash leaves either the old or the new state, never a mix. A durable
 * write also forces the temp file and then the directory to disk, so the state survives a power loss too. Temp files
 * ({@code *.tmp}) left by a crash are removed when the states are loaded. What a file holds is
 * {@link TaskStateCodec}'s business; this class places, writes and reads the files.
 */
public final class StateStore {
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".tmp";
    /** Also a temp suffix: a staged state left by a crash is removed like any interrupted write. */
    private static final String STAGED_SUFFIX = ".staged" + TEMP_SUFFIX;

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);

    private final Path dir;
    private final TaskStateCodec codec;

    public StateStore(Path dir) {
        this(dir, TaskStateCodec.standard());
    }

    StateStore(Path dir, TaskStateCodec codec) {
        this.dir = dir;
        this.codec = codec;
    }

    public Path dir() {
        return dir;
    }

    /** The file of one task. */
    public Path fileOf(String allocId, String taskName) {
        return dir.resolve(allocId).resolve(taskName + SUFFIX);
    }

    /** Writes a task's state atomically and durably. */
    public void write(PersistedTask task) {
        write(task, true);
    }

    /**
     * Writes a task's state atomically: readers see the old or the new state, never a mix, even if this process
     * dies mid-write. With {@code durable} the data and the rename are also forced to disk (fsync of the file and
     * its directory) before returning, so they survive a power loss; states that record nothing outside this process
     * (no handle, no created resources) may skip that.
     */
    public void write(PersistedTask task, boolean durable) {
        Path file = fileOf(task.allocId(), extractName(task));
        try {
            byte[] bytes = codec.encode(task);
            try {
                writeAtomically(file, bytes, durable);
            } catch (NoSuchFileException e) {
                // the allocation's first state: its directory is created then, not checked on every write
                Files.createDirectories(file.getParent());
                writeAtomically(file, bytes, durable);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state file " + file, e);
        }
    }

    /**
     * Writes a task's state to a file of its own, not yet visible to readers: {@link Staged#publish()} renames it
     * into place (atomically, not forced to disk), {@link Staged#discard()} deletes it. Lets the slow part of a write
     * (creating the allocation's directory and the file) run while a later write of the same task may overtake it.
     */
    public Staged stage(PersistedTask task) {
        Path file = fileOf(task.allocId(), extractName(task));
        Path staged = file.resolveSibling(file.getFileName() + STAGED_SUFFIX);
        try {
            byte[] bytes = codec.encode(task);
            try {
                writeFile(staged, bytes, false);
            } catch (NoSuchFileException e) {
                Files.createDirectories(file.getParent());
                writeFile(staged, bytes, false);
            }
        } catch (IOException e) {
            deleteQuietly(staged); // e.g. a full disk: no half-written file is left behind
            throw new UncheckedIOException("cannot write state file " + staged, e);
        }
        return new Staged(staged, file);
    }

    /**
     * Creates the empty temp file the next {@link #write} of this task fills, so that write allocates no inode (on
     * some filesystems the costliest step of a small write). Nothing happens when it exists or the allocation's
     * directory is gone.
     */
    public void prepareNextWrite(String allocId, String taskName) {
        Path file = fileOf(allocId, taskName);
        try {
            Files.createFile(temp(file));
        } catch (FileAlreadyExistsException | NoSuchFileException e) {
            // being filled, or left ready, or the allocation was forgotten meanwhile
        } catch (IOException e) {
            LOG.debug("cannot prepare the next state file of {}: {}", file, e.toString());
        }
    }

    /** A state written by {@link #stage}, not yet visible. */
    public static final class Staged {
        private final Path staged;
        private final Path file;

        private Staged(Path staged, Path file) {
            this.staged = staged;
            this.file = file;
        }

        /** Makes the staged state the task's state. */
        public void publish() {
            try {
                Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write state file " + file, e);
            }
        }

        /** Drops the staged state. */
        public void discard() {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + staged, e);
            }
        }
    }

    /** Reads every task state file; unreadable files are reported, never thrown, so the others still load. */
    public LoadResult loadAll() {
        List<PersistedTask> tasks = new ArrayList<>();
        List<StateFileProblem> problems = new ArrayList<>();
        for (String allocId : allocationIds()) {
            LoadResult one = loadAllocation(allocId);
            tasks.addAll(one.tasks());
            problems.addAll(one.problems());
        }
        return new LoadResult(tasks, problems);
    }

    /** The ids of the allocations that have a directory here, so each can be loaded on its own. */
    public List<String> allocationIds() {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (DirectoryStream<Path> allocs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            allocs.forEach(alloc -> ids.add(alloc.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list state directory " + dir, e);
        }
        return ids;
    }

    /** Reads the task state files of one allocation; unreadable files are reported, never thrown. */
    public LoadResult loadAllocation(String allocId) {
        return loadAllocation(allocId, null);
    }

    /**
     * Reads the task state files of one allocation as {@link #loadAllocation(String)} does, sharing equal task specs
     * through {@code interner} with the other allocations read with it.
     */
    public LoadResult loadAllocation(String allocId, @Nullable TaskSpecInterner interner) {
        List<PersistedTask> tasks = new ArrayList<>();
        List<StateFileProblem> problems = new ArrayList<>();
        Path alloc = dir.resolve(allocId);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(alloc)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(TEMP_SUFFIX)) {
                    Files.deleteIfExists(file); // a write interrupted before its rename
                } else if (name.endsWith(SUFFIX)) {
                    read(file, allocId, interner, tasks, problems);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // forgotten meanwhile
        } catch (IOException e) {
            problems.add(new StateFileProblem(alloc, "cannot list the allocation's state files: " + e));
        }
        return new LoadResult(tasks, problems);
    }

    private void read(
            Path file,
            String allocId,
            @Nullable TaskSpecInterner interner,
            List<PersistedTask> tasks,
            List<StateFileProblem> problems) {
        try {
            PersistedTask task = codec.decode(Files.readAllBytes(file), interner);
            String misplaced = misplaced(task, allocId, file);
            if (misplaced != null) {
                problems.add(new StateFileProblem(file, misplaced));
            } else {
                tasks.add(task);
            }
        } catch (UnreadableStateException e) {
            problems.add(new StateFileProblem(file, Objects.requireNonNullElse(e.getMessage(), e.toString())));
        } catch (NoSuchFileException e) {
            // forgotten meanwhile
        } catch (IOException e) {
            problems.add(new StateFileProblem(file, "cannot read the file: " + e));
        }
    }

    /** Why a readable state is not the one its place says (copied or renamed by hand), or null. */
    private static @Nullable String misplaced(PersistedTask t, String allocId, Path file) {
        if (!t.allocId().equals(allocId)) {
            return "allocId " + t.allocId() + " does not match its directory " + allocId;
        }
        String fileName = file.getFileName().toString();
        if (!fileName.equals(t.task().get("name") + SUFFIX)) {
            return "task name " + t.task().get("name") + " does not match the file name";
        }
        return null;
    }

    /** Removes every state file of an allocation. */
    public void deleteAlloc(String allocId) {
        Path alloc = dir.resolve(allocId);
        if (!Files.exists(alloc)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(alloc)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete state of allocation " + allocId, e);
        }
    }

    private static String extractName(PersistedTask task) {
        Object name = task.task().get("name");
        if (!(name instanceof String s)) {
            throw new IllegalArgumentException("persisted task has no name");
        }
        return s;
    }

    /** Writes {@code bytes} to {@code file} so that a crash leaves either the old or the new content. */
    static void writeAtomically(Path file, byte[] bytes, boolean durable) throws IOException {
        Path temp = temp(file);
        try {
            writeFile(temp, bytes, durable);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) { // e.g. a full disk: no half-written file is left behind
            Files.deleteIfExists(temp);
            throw e;
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        if (durable) {
            syncDirectory(Objects.requireNonNull(file.getParent(), "a state file lies in a directory"));
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", file, e.toString());
        }
    }

    private static Path temp(Path file) {
        return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    /** Fills {@code file}, created when missing (an existing one, e.g. prepared by prepareNextWrite, is reused). */
    private static void writeFile(Path file, byte[] bytes, boolean durable) throws IOException {
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            if (durable) {
                ch.force(true);
            }
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // some filesystems refuse fsync on a directory; the rename is still atomic there
        }
    }

    /**
     * What {@link #loadAll()} found.
     *
     * @param tasks every readable task state
     * @param problems every unreadable file, with why
     */
    public record LoadResult(List<PersistedTask> tasks, List<StateFileProblem> problems) {
        public LoadResult {
            tasks = List.copyOf(tasks);
            problems = List.copyOf(problems);
        }
    }
}
