package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.ArtifactOptions;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.artifacts.GitCli;
import dev.taskdrivers.runner.artifacts.GitHttpServer;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git artifacts cloned with the real git from a repository served over smart HTTP on localhost, into the directory
 * of a real raw_exec task that reads what it got.
 */
@Tag("real")
class GitArtifactRawExecTest {
    @TempDir
    Path root;

    GitHttpServer server;
    TaskRunner runner;
    final List<TaskRunner> runners = new ArrayList<>();
    final Set<String> allocIds = new java.util.HashSet<>();
    /** The commit the tag v1 names (the first one). */
    String firstCommit;

    @BeforeEach
    void setUp() throws Exception {
        RawExec.require(root.resolve("probe"));
        RealEnvironment.require(GitCli.works(), "the git executable");
        Path work = root.resolve("work");
        Files.createDirectories(work);
        GitCli.run(work, "init", "--quiet", "--initial-branch=main");
        write(work, "version.txt", "v1\n");
        write(work, "deploy/nomad/job.txt", "job file\n");
        commit(work, "first");
        firstCommit = GitCli.run(work, "rev-parse", "HEAD").strip();
        GitCli.run(work, "tag", "v1");
        write(work, "version.txt", "main\n");
        commit(work, "second");
        GitCli.run(work, "checkout", "--quiet", "-b", "feature");
        write(work, "version.txt", "feature\n");
        commit(work, "third");
        GitCli.run(work, "checkout", "--quiet", "-b", "escape", "main");
        Files.createSymbolicLink(work.resolve("passwd"), Path.of("/etc/passwd"));
        commit(work, "a link out");
        GitCli.run(work, "checkout", "--quiet", "main");
        Path repos = root.resolve("repos");
        Files.createDirectories(repos);
        String libCommit = library(repos);
        withSubmodule(work, "with-submodule", "../lib.git", libCommit);
        withSubmodule(work, "missing-submodule", "../missing.git", libCommit);
        withSubmodule(work, "file-submodule", "file://" + repos.resolve("lib.git"), libCommit);
        withSubmodule(work, "no-url-submodule", null, libCommit);
        GitCli.run(
                root,
                "clone",
                "--quiet",
                "--bare",
                work.toString(),
                repos.resolve("repo.git").toString());
        server = new GitHttpServer(repos);
        runner = runner(ArtifactOptions.builder());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (TaskRunner r : runners) {
            r.stopAll(WAIT);
            r.close();
        }
        if (server != null) {
            server.close();
        }
        assertThat(RawExec.killAll(allocIds)).as("processes left").isEmpty();
    }

    private TaskRunner runner(ArtifactOptions.Builder options) {
        Path dir = root.resolve("runner" + runners.size());
        TaskRunner r = TaskRunner.builder()
                .stateDir(dir.resolve("state"))
                .dataDir(dir.resolve("data"))
                .serviceRegistry(new InProcessServiceRegistry())
                .artifacts(options.retries(1, Duration.ZERO).build())
                .build();
        runners.add(r);
        return r;
    }

    /** Runs a task that copies what it sees of {@code local/repo/version.txt} into {@code seen.txt}. */
    private AllocationHandle run(TaskRunner r, ArtifactSpec.Builder artifact) throws Exception {
        TaskSpec task =
                RawExec.shell("reader", "cat \"$NOMAD_TASK_DIR/repo/version.txt\" > \"$NOMAD_TASK_DIR/seen.txt\"")
                        .toBuilder()
                        .artifact(artifact.destination("local/repo"))
                        .build();
        AllocationHandle alloc = r.submit(JobSpec.batch("git", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        allocIds.add(alloc.id());
        return alloc;
    }

    private static Path local(AllocationStatus status) {
        return status.tasks().get("reader").taskDir().resolve("local");
    }

    private static String seen(AllocationStatus status) throws IOException {
        return Files.readString(local(status).resolve("seen.txt"));
    }

    private static TaskEvent failure(AllocationHandle alloc) {
        return alloc.events("reader").stream()
                .filter(e -> e.type() == TaskEventType.FAILED_ARTIFACT_DOWNLOAD)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Failed Artifact Download in " + alloc.events("reader")));
    }

    @Test
    void aTagIsCheckedOutAndTheTaskReadsItsFile() throws Exception {
        AllocationHandle alloc = run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git") + "?ref=v1"));
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("events: %s", alloc.events("reader")).isFalse();
        assertThat(seen(status)).isEqualTo("v1\n");
        assertThat(local(status).resolve("repo/deploy/nomad/job.txt")).hasContent("job file");
        assertThat(local(status).resolve("repo/.git")).isDirectory();
        assertThat(alloc.events("reader"))
                .extracting(TaskEvent::type)
                .containsSubsequence(TaskEventType.DOWNLOADING_ARTIFACTS, TaskEventType.STARTED);
        assertThat(leftovers(status.tasks().get("reader").taskDir())).isEmpty();
    }

    @Test
    void aBranchFromTheOptionsBlockAndACommitAreCheckedOut() throws Exception {
        AllocationHandle branch = run(
                runner,
                ArtifactSpec.builder("git::" + server.url("/repo.git")).options(java.util.Map.of("ref", "feature")));
        AllocationHandle commit =
                run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git?ref=" + firstCommit)));
        AllocationHandle plain = run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git")));

        assertThat(seen(branch.await(WAIT))).isEqualTo("feature\n");
        assertThat(seen(commit.await(WAIT))).isEqualTo("v1\n");
        assertThat(seen(plain.await(WAIT))).isEqualTo("main\n");
    }

    @Test
    void depthOneClonesOneCommitOfABranchOrOfACommit() throws Exception {
        AllocationHandle branch =
                run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git?ref=feature&depth=1")));
        AllocationHandle commit =
                run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git?depth=1&ref=" + firstCommit)));

        AllocationStatus b = branch.await(WAIT);
        AllocationStatus c = commit.await(WAIT);
        assertThat(b.failed()).as("events: %s", branch.events("reader")).isFalse();
        assertThat(c.failed()).as("events: %s", commit.events("reader")).isFalse();
        assertThat(seen(b)).isEqualTo("feature\n");
        assertThat(seen(c)).isEqualTo("v1\n");
        assertThat(GitCli.run(local(b).resolve("repo"), "rev-list", "--count", "HEAD")
                        .strip())
                .isEqualTo("1");
        assertThat(GitCli.run(local(c).resolve("repo"), "rev-list", "--count", "HEAD")
                        .strip())
                .isEqualTo("1");
    }

    @Test
    void aBadRefFailsTheTaskWithTheEventAndLeavesNothing() throws Exception {
        AllocationHandle alloc = run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git?ref=no-such-ref")));
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(failure(alloc).message())
                .startsWith("failed to download artifact \"git::" + server.url("/repo.git") + "?<redacted>\": ")
                .contains("no-such-ref");
        assertThat(alloc.events("reader")).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
        Path taskDir = status.tasks().get("reader").taskDir();
        assertThat(leftovers(taskDir)).isEmpty();
        assertThat(taskDir.resolve("local/repo")).isEmptyDirectory();
    }

    @Test
    void credentialsInTheUrlAppearInNoEvent() throws Exception {
        String url = server.url("/missing.git").replace("http://", "http://deploy:s3cr3t-token@");
        AllocationHandle alloc = run(runner, ArtifactSpec.builder("git::" + url + "?ref=v1"));
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(failure(alloc).message()).contains("git clone failed").contains(server.url("/missing.git"));
        assertThat(alloc.events("reader"))
                .allSatisfy(e -> assertThat(e.message() + e.details())
                        .doesNotContain("s3cr3t-token")
                        .doesNotContain("deploy:"));
    }

    @Test
    void aLinkInTheRepositoryLeadingOutOfTheTaskDirectoryIsRefused() throws Exception {
        AllocationHandle alloc = run(runner, ArtifactSpec.builder("git::" + server.url("/repo.git?ref=escape")));
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(failure(alloc).message())
                .contains("repository entry \"passwd -> /etc/passwd\" is a link that resolves outside the destination:"
                        + " refused");
        Path taskDir = status.tasks().get("reader").taskDir();
        assertThat(leftovers(taskDir)).isEmpty();
        assertThat(taskDir.resolve("local/repo/passwd")).doesNotExist();
    }

    @Test
    void aLocalRepositoryIsRefusedUnlessTheOperatorAllowsLocalFiles() throws Exception {
        String source = "git::file://" + root.resolve("repos/repo.git") + "?ref=feature";
        AllocationHandle refused = run(runner, ArtifactSpec.builder(source));
        AllocationHandle allowed =
                run(runner(ArtifactOptions.builder().localFiles(true)), ArtifactSpec.builder(source));

        assertThat(refused.await(WAIT).failed()).isTrue();
        assertThat(failure(refused).message())
                .endsWith("local files are not allowed as artifact sources by this runner's operator");
        assertThat(seen(allowed.await(WAIT))).isEqualTo("feature\n");
    }

    @Test
    void aSubdirectoryOfTheRepositoryIsAllThatArrives() throws Exception {
        TaskSpec task =
                RawExec.shell("reader", "cat \"$NOMAD_TASK_DIR/job/job.txt\" > \"$NOMAD_TASK_DIR/seen.txt\"")
                        .toBuilder()
                        .artifact(ArtifactSpec.builder("git::" + server.url("/repo.git//deploy/nomad?ref=v1"))
                                .destination("local/job"))
                        .build();
        AllocationHandle alloc = runner.submit(JobSpec.batch("git", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        allocIds.add(alloc.id());
        AllocationStatus status = alloc.await(WAIT);

        assertThat(seen(status)).isEqualTo("job file\n");
        try (Stream<Path> files = Files.list(local(status).resolve("job"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("job.txt");
        }
    }

    @Test
    void aRestartedTaskDoesNotCloneAgain() throws Exception {
        TaskSpec task = RawExec.shell(
                        "reader", "cat \"$NOMAD_TASK_DIR/repo/version.txt\" >> \"$NOMAD_TASK_DIR/seen.txt\"; exit 1")
                .toBuilder()
                .artifact(ArtifactSpec.builder("git::" + server.url("/repo.git?ref=v1"))
                        .destination("local/repo"))
                .restart(RestartPolicy.builder()
                        .attempts(1)
                        .interval(Duration.ofMinutes(1))
                        .delay(Duration.ZERO)
                        .mode(RestartPolicy.Mode.FAIL)
                        .build())
                .build();
        AllocationHandle alloc = runner.submit(JobSpec.batch("git", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        allocIds.add(alloc.id());

        AllocationStatus status = alloc.await(WAIT);

        assertThat(alloc.events("reader")).extracting(TaskEvent::type).containsOnlyOnce(TaskEventType.RESTARTING);
        assertThat(alloc.events("reader"))
                .extracting(TaskEvent::type)
                .containsOnlyOnce(TaskEventType.DOWNLOADING_ARTIFACTS);
        assertThat(seen(status)).as("both starts read the clone").isEqualTo("v1\nv1\n");
    }

    @Test
    void theOperatorsSizeAndFileCountLimitsApplyToTheClone() throws Exception {
        AllocationHandle tooMany = run(
                runner(ArtifactOptions.builder().decompressionFileCountLimit(2)),
                ArtifactSpec.builder("git::" + server.url("/repo.git")));
        AllocationHandle tooLarge = run(
                runner(ArtifactOptions.builder().decompressionSizeLimit(100)),
                ArtifactSpec.builder("git::" + server.url("/repo.git")));

        assertThat(tooMany.await(WAIT).failed()).isTrue();
        assertThat(failure(tooMany).message())
                .endsWith("the checkout holds more than 2 files and directories (decompression_file_count_limit)");
        assertThat(tooLarge.await(WAIT).failed()).isTrue();
        assertThat(failure(tooLarge).message())
                .endsWith("the clone is larger than 100 bytes (decompression_size_limit)");
        assertThat(leftovers(tooMany.await(WAIT).tasks().get("reader").taskDir()))
                .isEmpty();
        assertThat(leftovers(tooLarge.await(WAIT).tasks().get("reader").taskDir()))
                .isEmpty();
    }

    @Test
    void aSubmoduleArrivesWithTheRepositoryAndTheTaskReadsItsFile() throws Exception {
        AllocationHandle full = runReading(runner, "git::" + server.url("/repo.git?ref=with-submodule"));
        AllocationHandle shallow = runReading(runner, "git::" + server.url("/repo.git?ref=with-submodule&depth=1"));
        AllocationHandle subdir =
                runReading(runner, "git::" + server.url("/repo.git//vendor?ref=with-submodule"), "repo/lib/lib.txt");

        AllocationStatus f = full.await(WAIT);
        AllocationStatus s = shallow.await(WAIT);
        assertThat(f.failed()).as("events: %s", full.events("reader")).isFalse();
        assertThat(s.failed()).as("events: %s", shallow.events("reader")).isFalse();
        assertThat(seen(f)).isEqualTo("lib v2\n");
        assertThat(seen(s)).isEqualTo("lib v2\n");
        assertThat(GitCli.run(local(f).resolve("repo/vendor/lib"), "rev-list", "--count", "HEAD")
                        .strip())
                .isEqualTo("2");
        assertThat(GitCli.run(local(s).resolve("repo/vendor/lib"), "rev-list", "--count", "HEAD")
                        .strip())
                .as("depth applies to the submodule")
                .isEqualTo("1");
        assertThat(leftovers(f.tasks().get("reader").taskDir())).isEmpty();
        AllocationStatus d = subdir.await(WAIT);
        assertThat(d.failed()).as("events: %s", subdir.events("reader")).isFalse();
        assertThat(seen(d)).as("the submodule inside the kept subdirectory").isEqualTo("lib v2\n");
    }

    @Test
    void aSubmoduleThatCannotBeFetchedFailsTheTaskAndLeavesNothing() throws Exception {
        AllocationHandle missing = runReading(runner, "git::" + server.url("/repo.git?ref=missing-submodule"));
        AllocationHandle noUrl = runReading(runner, "git::" + server.url("/repo.git?ref=no-url-submodule"));

        for (AllocationHandle alloc : List.of(missing, noUrl)) {
            AllocationStatus status = alloc.await(WAIT);
            assertThat(status.failed()).isTrue();
            assertThat(alloc.events("reader")).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
            Path taskDir = status.tasks().get("reader").taskDir();
            assertThat(leftovers(taskDir)).isEmpty();
            assertThat(taskDir.resolve("local/repo")).isEmptyDirectory();
        }
        assertThat(failure(missing).message())
                .startsWith("failed to download artifact \"git::" + server.url("/repo.git") + "?<redacted>\": ")
                .contains("git submodule update (the repository's submodules) failed")
                .contains(server.url("/missing.git"));
        assertThat(failure(noUrl).message())
                .contains("git submodule update (the repository's submodules) failed")
                .contains("No url found for submodule path 'vendor/lib'");
    }

    @Test
    void credentialsOfTheRepositoryAppearInNoEventOfItsFailingSubmodule() throws Exception {
        // the submodule's relative URL is resolved against the repository's, user info included
        String url = server.url("/repo.git").replace("http://", "http://deploy:s3cr3t-token@");
        AllocationHandle alloc = runReading(runner, "git::" + url + "?ref=missing-submodule");

        assertThat(alloc.await(WAIT).failed()).isTrue();
        assertThat(failure(alloc).message())
                .contains("git submodule update (the repository's submodules) failed")
                .contains(server.url("/missing.git"));
        assertThat(alloc.events("reader"))
                .allSatisfy(e -> assertThat(e.message() + e.details())
                        .doesNotContain("s3cr3t-token")
                        .doesNotContain("deploy:"));
    }

    @Test
    void aNetworkRepositoryCannotPullASubmoduleFromTheHostsFiles() throws Exception {
        AllocationHandle alloc = runReading(
                runner(ArtifactOptions.builder().localFiles(true)),
                "git::" + server.url("/repo.git?ref=file-submodule"));

        assertThat(alloc.await(WAIT).failed()).isTrue();
        assertThat(failure(alloc).message())
                .contains("git submodule update (the repository's submodules) failed")
                .contains("transport 'file' not allowed");
        assertThat(local(alloc.await(WAIT)).resolve("repo")).isEmptyDirectory();
    }

    @Test
    void aLocalRepositoryTakesItsLocalSubmodulesWhereLocalFilesAreAllowed() throws Exception {
        String source = "git::file://" + root.resolve("repos/repo.git") + "?ref=with-submodule";
        AllocationHandle refused = runReading(runner, source);
        AllocationHandle allowed = runReading(runner(ArtifactOptions.builder().localFiles(true)), source);

        assertThat(refused.await(WAIT).failed()).isTrue();
        assertThat(failure(refused).message())
                .endsWith("local files are not allowed as artifact sources by this runner's operator");
        AllocationStatus status = allowed.await(WAIT);
        assertThat(status.failed()).as("events: %s", allowed.events("reader")).isFalse();
        assertThat(seen(status)).isEqualTo("lib v2\n");
    }

    @Test
    void theFileCountLimitCountsTheSubmodulesFiles() throws Exception {
        // 7 entries without the submodule's file (vendor/lib is then an empty directory), 8 with it
        AllocationHandle alloc = runReading(
                runner(ArtifactOptions.builder().decompressionFileCountLimit(7)),
                "git::" + server.url("/repo.git?ref=with-submodule"));

        assertThat(alloc.await(WAIT).failed()).isTrue();
        assertThat(failure(alloc).message())
                .endsWith("the checkout holds more than 7 files and directories (decompression_file_count_limit)");
    }

    /** Runs a task that copies the submodule's {@code lib.txt} into {@code seen.txt}. */
    private AllocationHandle runReading(TaskRunner r, String source) throws Exception {
        return runReading(r, source, "repo/vendor/lib/lib.txt");
    }

    /** Runs a task that copies {@code file} of its {@code local} directory into {@code seen.txt}. */
    private AllocationHandle runReading(TaskRunner r, String source, String file) throws Exception {
        TaskSpec task =
                RawExec.shell("reader", "cat \"$NOMAD_TASK_DIR/" + file + "\" > \"$NOMAD_TASK_DIR/seen.txt\"")
                        .toBuilder()
                        .artifact(ArtifactSpec.builder(source).destination("local/repo"))
                        .build();
        AllocationHandle alloc = r.submit(JobSpec.batch("git", List.of(GroupSpec.of("g", List.of(task)))))
                .get(0);
        allocIds.add(alloc.id());
        return alloc;
    }

    /** A bare repository lib.git of two commits; returns the second. */
    private String library(Path repos) throws Exception {
        Path lib = root.resolve("lib");
        Files.createDirectories(lib);
        GitCli.run(lib, "init", "--quiet", "--initial-branch=main");
        write(lib, "lib.txt", "lib v1\n");
        commit(lib, "lib first");
        write(lib, "lib.txt", "lib v2\n");
        commit(lib, "lib second");
        GitCli.run(
                root,
                "clone",
                "--quiet",
                "--bare",
                lib.toString(),
                repos.resolve("lib.git").toString());
        return GitCli.run(lib, "rev-parse", "HEAD").strip();
    }

    /** A branch off main with lib's {@code commit} as submodule vendor/lib from {@code url} (none: no url). */
    private static void withSubmodule(Path work, String branch, @Nullable String url, String commit) throws Exception {
        GitCli.run(work, "checkout", "--quiet", "-b", branch, "main");
        write(
                work,
                ".gitmodules",
                "[submodule \"lib\"]\n\tpath = vendor/lib\n" + (url == null ? "" : "\turl = " + url + "\n"));
        GitCli.run(work, "update-index", "--add", "--cacheinfo", "160000," + commit + ",vendor/lib");
        GitCli.run(work, "add", ".gitmodules");
        GitCli.run(
                work, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", branch);
        GitCli.run(work, "checkout", "--quiet", "main");
    }

    private static List<Path> leftovers(Path taskDir) throws IOException {
        try (Stream<Path> all = Files.walk(taskDir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".artifact-"))
                    .toList();
        }
    }

    private static void write(Path repo, String name, String content) throws IOException {
        Path file = repo.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private static void commit(Path repo, String message) throws Exception {
        GitCli.run(repo, "add", "-A");
        GitCli.run(
                repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", message);
    }
}
