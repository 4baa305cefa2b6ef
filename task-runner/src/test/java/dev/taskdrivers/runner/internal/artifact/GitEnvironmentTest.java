package dev.taskdrivers.runner.internal.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What git is run with, seen by a stand-in for the git executable that records its environment and the ssh key file
 * it was given, then fails as git does when the remote refuses.
 */
class GitEnvironmentTest {
    private static final String PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n";

    @TempDir
    Path root;

    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void tearDown() {
        timer.shutdownNow();
    }

    @Test
    void gitRunsWithACleanEnvironmentAndTheSshKeyInAPrivateFileRemovedAfter() throws IOException {
        Path record = root.resolve("record");
        Files.createDirectories(record);
        Path fakeGit = root.resolve("git");
        Files.writeString(fakeGit, """
                #!/bin/sh
                out=%s
                env > "$out/env"
                key=$(printf %%s "$GIT_SSH_COMMAND" | sed -n "s/.*-i '\\([^']*\\)'.*/\\1/p")
                echo "$key" > "$out/keypath"
                stat -c %%a "$key" > "$out/mode"
                cat "$key" > "$out/key"
                echo "$@" > "$out/args"
                echo "fatal: Could not read from remote repository." >&2
                exit 128
                """.formatted(record));
        Files.setPosixFilePermissions(fakeGit, PosixFilePermissions.fromString("rwx------"));
        Path taskDir = root.resolve("task");
        Files.createDirectories(taskDir);
        String key = Base64.getEncoder().encodeToString(PRIVATE_KEY.getBytes(StandardCharsets.UTF_8));
        ArtifactSpec artifact = ArtifactSpec.builder("git@github.com:org/private.git")
                .destination("local/repo")
                .options(Map.of("sshkey", key, "ref", "v1"))
                .build();
        ArtifactFetcher fetcher = new ArtifactFetcher(ArtifactOptions.DEFAULT, timer, fakeGit.toString());

        ArtifactFetchException e =
                catchThrowableOfType(ArtifactFetchException.class, () -> fetcher.fetch(artifact, taskDir, () -> false));

        assertThat(e.getMessage())
                .isEqualTo("git clone failed (exit 128): fatal: Could not read from remote repository.")
                .doesNotContain(key);
        Map<String, String> env = Files.readAllLines(record.resolve("env")).stream()
                .filter(l -> l.contains("="))
                .collect(Collectors.toMap(
                        l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> a));
        assertThat(env)
                .containsEntry("GIT_TERMINAL_PROMPT", "0")
                .containsEntry("GIT_CONFIG_NOSYSTEM", "1")
                .containsEntry("GIT_CONFIG_GLOBAL", "/dev/null")
                .containsEntry("GIT_ALLOW_PROTOCOL", "http:https:ssh:git");
        assertThat(Set.copyOf(env.keySet()))
                .as("nothing of the runner's environment but PATH (and proxies)")
                .isSubsetOf(Set.of(
                        "PATH",
                        "HOME",
                        "XDG_CONFIG_HOME",
                        "GIT_CONFIG_NOSYSTEM",
                        "GIT_CONFIG_GLOBAL",
                        "GIT_TERMINAL_PROMPT",
                        "GIT_ASKPASS",
                        "SSH_ASKPASS",
                        "LC_ALL",
                        "GIT_ALLOW_PROTOCOL",
                        "GIT_SSH_COMMAND",
                        "PWD",
                        "SHLVL",
                        "_",
                        "OLDPWD"));
        assertThat(env.get("HOME")).isNotEqualTo(System.getProperty("user.home"));
        assertThat(Path.of(env.get("HOME"))).as("git's home is gone").doesNotExist();
        assertThat(env.get("GIT_SSH_COMMAND")).startsWith("ssh -o BatchMode=yes -o IdentitiesOnly=yes -i ");

        Path keyFile = Path.of(Files.readString(record.resolve("keypath")).strip());
        assertThat(keyFile.startsWith(taskDir))
                .as("the key is outside the task directory")
                .isFalse();
        assertThat(Files.readString(record.resolve("mode")).strip()).isEqualTo("600");
        assertThat(record.resolve("key")).hasContent(PRIVATE_KEY.strip());
        assertThat(keyFile).as("the key file is removed after").doesNotExist();
        assertThat(Files.readString(record.resolve("args")))
                .contains("clone --quiet --template= --no-checkout -- git@github.com:org/private.git repo");
        try (Stream<Path> left = Files.list(taskDir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("local");
        }
    }

    @Test
    void optionsAndHeadersGitCannotUseFailTheFetchOnceTheSourceIsExpanded() throws IOException {
        Path taskDir = root.resolve("task");
        Files.createDirectories(taskDir);
        ArtifactFetcher fetcher = new ArtifactFetcher(
                ArtifactOptions.DEFAULT, timer, root.resolve("never-run").toString());
        // known as git only once expanded, so the spec's checks let both pass
        ArtifactSpec checksum = ArtifactSpec.builder("git::https://example.com/r.git?ref=${NOMAD_META_ref}")
                .destination("local/repo")
                .checksum("sha256:" + "ab".repeat(32))
                .build();
        ArtifactSpec headers = ArtifactSpec.builder("git::https://example.com/r.git?ref=${NOMAD_META_ref}")
                .destination("local/repo")
                .headers(Map.of("Authorization", "Bearer token"))
                .build();

        assertThat(catchThrowableOfType(
                                ArtifactFetchException.class, () -> fetcher.fetch(checksum, taskDir, () -> false))
                        .getMessage())
                .isEqualTo("options.checksum not supported for git sources: the options are ref, depth and sshkey");
        assertThat(catchThrowableOfType(
                                ArtifactFetchException.class, () -> fetcher.fetch(headers, taskDir, () -> false))
                        .getMessage())
                .isEqualTo("git sends no headers: put credentials in the URL's user info or use sshkey");
    }
}
