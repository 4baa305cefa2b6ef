package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.ValidationProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a task's disk image may be: a relative {@code image_path} is the task directory's (where an artifact puts
 * it); wherever it is, once links are followed it must lie inside the task's allocation or one of the operator's
 * {@code image_paths}, so a task cannot boot (and write to) another task's or the host's files.
 */
final class ImageLocation {
    private ImageLocation() {}

    /**
     * The image's absolute path, or {@code null} after reporting why it cannot be used; unless {@code mustExist},
     * a relative path that is not there yet is {@code null} without a problem (an artifact may put it there), and an
     * absolute one where a task may keep images is this node's problem (another node may have it) in {@code node}.
     */
    static @Nullable Path check(
            ConfigReader r,
            String image,
            TaskConfig task,
            QemuDriverOptions options,
            boolean mustExist,
            List<ValidationProblem> node) {
        Path given = Path.of(image);
        Path path = (given.isAbsolute() ? given : task.dirs().taskDir().resolve(given)).normalize();
        if (!mustExist && !given.isAbsolute() && !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.exists(path)) {
            if (mustExist || !allowed(task, options).stream().anyMatch(dir -> path.startsWith(realOrSelf(dir)))) {
                r.problem("image_path", "file " + path + " does not exist");
            } else {
                node.add(new ValidationProblem("config.image_path", "file " + path + " does not exist on this node"));
            }
            return null;
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            r.problem("image_path", path + " is not a readable file");
            return null;
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            r.problem("image_path", path + " cannot be resolved: " + e.getMessage());
            return null;
        }
        for (Path dir : allowed(task, options)) {
            if (real.startsWith(realOrSelf(dir))) {
                return path;
            }
        }
        r.problem(
                "image_path",
                real + " is outside the task's allocation " + allocationRoot(task)
                        + (options.imagePaths().isEmpty()
                                ? " and the operator allows no other image_paths"
                                : " and the operator's image_paths " + options.imagePaths()));
        return null;
    }

    /** Where a task's image may lie: its allocation, the operator's image_paths. */
    private static List<Path> allowed(TaskConfig task, QemuDriverOptions options) {
        List<Path> allowed = new ArrayList<>();
        allowed.add(allocationRoot(task));
        allowed.addAll(options.imagePaths());
        return allowed;
    }

    /** The directory holding the allocation's shared dir and its tasks' dirs. */
    private static Path allocationRoot(TaskConfig task) {
        Path taskDir = task.dirs().taskDir().toAbsolutePath().normalize();
        Path shared = task.dirs().allocDir().toAbsolutePath().normalize();
        Path root = taskDir.getParent();
        return root != null && shared.startsWith(root) ? root : taskDir;
    }

    private static Path realOrSelf(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
