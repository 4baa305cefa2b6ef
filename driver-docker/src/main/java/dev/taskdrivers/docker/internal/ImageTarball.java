package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.DockerClient;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** A task's {@code load}: an image archive in the task's {@code local/} directory, loaded into the engine. */
public final class ImageTarball {
    private ImageTarball() {}

    /** Problem text for a {@code load} value that could leave the task's directory, or null when it is fine. */
    public static @Nullable String check(String load) {
        if (load.isBlank()) {
            return "must not be empty";
        }
        Path p = Path.of(load);
        if (p.isAbsolute() || p.normalize().startsWith("..")) {
            return "must be a path inside the task's local/ directory, got \"" + load + "\"";
        }
        return null;
    }

    /** Loads {@code load} (relative to {@code localDir}) with the engine's load API, as {@code docker load -i}. */
    public static void load(DockerClient docker, Path localDir, String load) {
        Path archive = localDir.resolve(load).normalize();
        if (!Files.isRegularFile(archive)) {
            throw DriverException.fatal(ErrorCode.INVALID_CONFIG, "config.load: no image archive at " + archive);
        }
        try (InputStream in = Files.newInputStream(archive)) {
            docker.loadImageCmd(in).exec();
        } catch (IOException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "config.load: cannot read " + archive + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw DriverException.fatal(
                    ErrorCode.EXTERNAL, "config.load: the engine could not load " + archive + ": " + e.getMessage(), e);
        }
    }
}
