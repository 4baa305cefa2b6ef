package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.hostprocess.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The JDK (or JRE) the driver starts tasks with.
 *
 * @param home its home directory, symbolic links resolved (the directory bound into a chroot)
 * @param java its {@code bin/java}
 * @param source how it was found, for messages: {@code java_home}, {@code JAVA_HOME} or {@code PATH}
 */
public record Jdk(Path home, Path java, String source) {

    /** What the search found: a JDK, or why none. */
    public record Found(Optional<Jdk> jdk, String whyNone) {
        static Found of(Jdk jdk) {
            return new Found(Optional.of(jdk), "");
        }

        static Found none(String why) {
            return new Found(Optional.empty(), why);
        }
    }

    /**
     * The operator's {@code java_home} when given (and then only it), else {@code JAVA_HOME} of this process, else
     * {@code java} on its {@code PATH}.
     */
    public static Found find(@Nullable String javaHome, Map<String, String> environment) {
        if (javaHome != null) {
            return inHome(Path.of(javaHome), "java_home")
                    .map(Found::of)
                    .orElseGet(() -> Found.none(
                            "the driver option java_home = " + javaHome + " is no JDK: it has no executable bin/java"));
        }
        String envHome = environment.get("JAVA_HOME");
        if (envHome != null && !envHome.isBlank()) {
            Optional<Jdk> jdk = inHome(Path.of(envHome), "JAVA_HOME");
            if (jdk.isPresent()) {
                return Found.of(jdk.get());
            }
        }
        String path = environment.getOrDefault("PATH", Executables.DEFAULT_PATH);
        Optional<Path> onPath = Executables.resolve("java", path, null);
        if (onPath.isPresent()) {
            try {
                // /usr/bin/java is usually a chain of links into the JDK; its home is two levels up the real file
                Path real = onPath.get().toRealPath();
                Path home = real.getParent() == null ? null : real.getParent().getParent();
                if (home != null) {
                    return Found.of(new Jdk(home, real, "PATH"));
                }
            } catch (IOException e) {
                return Found.none("java on PATH (" + onPath.get() + ") cannot be resolved: " + e.getMessage());
            }
        }
        return Found.none("no JDK found: the driver option java_home is not set, JAVA_HOME "
                + (envHome == null || envHome.isBlank() ? "is not set" : "(" + envHome + ") has no executable bin/java")
                + " and there is no java on PATH (" + path + ")");
    }

    private static Optional<Jdk> inHome(Path home, String source) {
        Path java = home.resolve("bin").resolve("java");
        if (!Files.isRegularFile(java) || !Files.isExecutable(java)) {
            return Optional.empty();
        }
        try {
            Path realHome = home.toRealPath();
            return Optional.of(new Jdk(realHome, realHome.resolve("bin").resolve("java"), source));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
