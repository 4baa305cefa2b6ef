package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Persists each task's pod UUID the moment {@code rkt prepare} prints it, before anything else can fail, so a pod
 * is never orphaned by a crash between prepare and the runner saving its state.
 */
final class PodUuidStore {
    private final Path dir;

    PodUuidStore(Path dataDir) {
        this.dir = dataDir.resolve("pods");
    }

    void save(TaskId task, String uuid) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(fileName(task) + ".tmp");
        Files.writeString(tmp, uuid + "\n");
        Files.move(tmp, file(task), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    Optional<String> load(TaskId task) {
        try {
            return Optional.of(Files.readString(file(task)).trim()).filter(s -> !s.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void forget(TaskId task, String uuid) throws IOException {
        if (load(task).filter(uuid::equals).isPresent()) {
            Files.deleteIfExists(file(task));
        }
    }

    private Path file(TaskId task) {
        return dir.resolve(fileName(task));
    }

    private static String fileName(TaskId task) {
        return task.allocId() + "_" + task.taskName() + ".uuid";
    }
}
