package dev.taskdrivers.runner.internal.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host without git: a git artifact fails, saying so, and leaves nothing in the task directory. */
class MissingGitTest {
    @TempDir
    Path taskDir;

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void aGitArtifactFailsSayingGitIsNotInstalled() throws IOException {
        ArtifactFetcher fetcher = new ArtifactFetcher(
                ArtifactOptions.DEFAULT,
                timer,
                taskDir.resolve("no-such-dir/git").toString());
        ArtifactSpec artifact = ArtifactSpec.builder("git::https://deploy:s3cr3t@example.com/org/repo.git?ref=v1")
                .destination("local/repo")
                .build();

        ArtifactFetchException e =
                catchThrowableOfType(ArtifactFetchException.class, () -> fetcher.fetch(artifact, taskDir, () -> false));

        assertThat(e.getMessage())
                .startsWith("git is not installed on this host")
                .endsWith("install git to fetch git artifacts")
                .doesNotContain("s3cr3t");
        assertThat(e.isRecoverable()).isTrue();
        try (Stream<Path> all = Files.list(taskDir.resolve("local/repo"))) {
            assertThat(all).isEmpty();
        }
        try (Stream<Path> all = Files.list(taskDir)) {
            assertThat(all.map(p -> p.getFileName().toString())).containsExactly("local");
        }
    }
}
