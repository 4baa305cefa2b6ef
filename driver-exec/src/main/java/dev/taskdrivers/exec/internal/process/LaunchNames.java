package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.TaskId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The name a driver gives each start of a task, {@code <alloc id>.<task name>.<8 hex digits>}, for its state
 * directory and its exit file. Made once per start, so the files of every start of a task can be found by its id: the
 * latest start still running when its handle was never recorded, and all of them when the task is cleaned up.
 */
public final class LaunchNames {
    private static final Pattern SUFFIX = Pattern.compile("[0-9a-f]{8}(\\.tmp|\\.setup)?");

    private LaunchNames() {}

    /** A new name for a start of {@code id}. */
    public static String next(TaskId id) {
        return prefix(id)
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /**
     * Whether {@code fileName} is a name of a start of {@code id}, or of a file a supervisor writes next to an exit
     * file ({@code .tmp}, {@code .setup}).
     */
    public static boolean isOf(String fileName, TaskId id) {
        String prefix = prefix(id);
        return fileName.startsWith(prefix)
                && SUFFIX.matcher(fileName.substring(prefix.length())).matches();
    }

    /** The entries of {@code dir} that belong to starts of {@code id}; none when {@code dir} does not exist. */
    public static List<Path> of(Path dir, TaskId id) {
        List<Path> paths = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return paths;
        }
        try (DirectoryStream<Path> entries =
                Files.newDirectoryStream(dir, p -> isOf(p.getFileName().toString(), id))) {
            entries.forEach(paths::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return paths;
    }

    /**
     * The name of the latest start of {@code id} that has a state directory in {@code stateDirs} and no exit status
     * in {@code exitsDir} yet, i.e. whose task has not ended.
     */
    public static Optional<String> latestUnended(Path stateDirs, Path exitsDir, TaskId id) {
        return of(stateDirs, id).stream()
                .filter(Files::isDirectory)
                .filter(dir -> !Files.exists(exitsDir.resolve(dir.getFileName().toString())))
                .max(Comparator.comparing(LaunchNames::modified))
                .map(dir -> dir.getFileName().toString());
    }

    private static String prefix(TaskId id) {
        return id.allocId() + "." + id.taskName() + ".";
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
