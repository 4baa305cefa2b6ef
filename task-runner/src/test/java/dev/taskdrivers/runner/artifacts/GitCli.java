package dev.taskdrivers.runner.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host's git, for tests that make repositories to serve: without the user's or the system's config. */
public final class GitCli {
    private GitCli() {}

    /** Whether a git executable runs here. */
    public static boolean works() {
        try {
            Process p = new ProcessBuilder("git", "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code git args} in {@code dir}, asserting it succeeds; its output. */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    /** A bare repository {@code name} under {@code repos} holding one commit of {@code files} (path, content). */
    public static Path bareRepository(Path scratch, Path repos, String name, String... files)
            throws IOException, InterruptedException {
        Path work = java.nio.file.Files.createDirectories(scratch.resolve(name + "-work"));
        run(work, "init", "--quiet", "--initial-branch=main");
        for (int i = 0; i < files.length; i += 2) {
            Path file = work.resolve(files[i]);
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, files[i + 1]);
        }
        run(work, "add", "-A");
        run(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "files");
        Path bare = repos.resolve(name);
        run(scratch, "clone", "--quiet", "--bare", work.toString(), bare.toString());
        return bare;
    }
}
