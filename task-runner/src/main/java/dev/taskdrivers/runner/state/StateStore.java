package dev.taskdrivers.runner.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Task state files: {@code <dir>/<allocId>/<task>.json}. Each write is atomic: a temp file in the same directory is
 * written and fsynced, renamed over the old file, and the directory fsynced, so a crash leaves either the old or the
 * new state, never a mix.
 */
public final class StateStore {
    private static final String SUFFIX = ".json";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;
    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public StateStore(Path dir) {
        this.dir = dir;
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
            byte[] bytes = mapper.writeValueAsBytes(task);
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

    /** Reads every task state file; unreadable files are reported, never thrown, so the others still load. */
    public LoadResult loadAll() {
        List<PersistedTask> tasks = new ArrayList<>();
        List<StateFileProblem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new LoadResult(tasks, problems);
        }
        try (DirectoryStream<Path> allocs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path alloc : allocs) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(alloc)) {
                    for (Path file : files) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(TEMP_SUFFIX)) {
                            Files.deleteIfExists(file); // a write interrupted before its rename
                        } else if (name.endsWith(SUFFIX)) {
                            read(file, alloc.getFileName().toString(), tasks, problems);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list state directory " + dir, e);
        }
        return new LoadResult(tasks, problems);
    }

    private void read(Path file, String allocId, List<PersistedTask> tasks, List<StateFileProblem> problems) {
        try {
            PersistedTask task = mapper.readValue(file.toFile(), PersistedTask.class);
            String missing = missingField(task, allocId, file);
            if (missing != null) {
                problems.add(new StateFileProblem(file, missing));
            } else {
                tasks.add(task);
            }
        } catch (IOException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            problems.add(new StateFileProblem(file, Files.isRegularFile(file) && file.toFile().length() == 0
                    ? "the file is empty" : "not a valid state file (truncated or corrupt): " + message));
        }
    }

    private static String missingField(PersistedTask t, String allocId, Path file) {
        if (t == null) {
            return "the file holds no state";
        }
        if (t.format() != PersistedTask.FORMAT) {
            return "unsupported format " + t.format() + " (this runner reads format " + PersistedTask.FORMAT + ")";
        }
        if (t.allocId() == null || !t.allocId().equals(allocId)) {
            return "allocId " + t.allocId() + " does not match its directory " + allocId;
        }
        if (t.task() == null || t.status() == null || t.jobName() == null || t.groupName() == null) {
            return "required fields (task, status, jobName, groupName) are missing";
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
        Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
            if (durable) {
                ch.force(true);
            }
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        if (durable) {
            syncDirectory(file.getParent());
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
