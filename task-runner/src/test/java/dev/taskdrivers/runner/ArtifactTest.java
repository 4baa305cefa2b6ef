package dev.taskdrivers.runner;

import static dev.taskdrivers.runner.RunnerFixture.job;
import static dev.taskdrivers.runner.RunnerFixture.task;
import static dev.taskdrivers.runner.RunnerFixture.types;
import static dev.taskdrivers.runner.TaskEventType.DOWNLOADING_ARTIFACTS;
import static dev.taskdrivers.runner.TaskEventType.DRIVER;
import static dev.taskdrivers.runner.TaskEventType.FAILED_ARTIFACT_DOWNLOAD;
import static dev.taskdrivers.runner.TaskEventType.NOT_RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.RECEIVED;
import static dev.taskdrivers.runner.TaskEventType.RESTARTING;
import static dev.taskdrivers.runner.TaskEventType.STARTED;
import static dev.taskdrivers.runner.TaskEventType.TASK_SETUP;
import static dev.taskdrivers.runner.TaskEventType.TERMINATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.runner.artifacts.ArtifactServer;
import dev.taskdrivers.runner.artifacts.TestArchives;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.fake.FakeDriverFactory;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts fetched from a local HTTP server into the task directory before the (in-memory) driver starts. */
class ArtifactTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final byte[] CONFIG = "listen = 8080\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    RunnerFixture fx;
    ArtifactServer server;
    TaskRunner runner;

    @BeforeEach
    void setUp() throws IOException {
        fx = new RunnerFixture(root);
        server = new ArtifactServer();
        runner = runner(ArtifactOptions.builder().retries(3, Duration.ofMillis(10)));
    }

    @AfterEach
    void tearDown() throws Exception {
        runner.stopAll(WAIT);
        runner.close();
        server.close();
    }

    private TaskRunner runner(ArtifactOptions.Builder options) {
        return TaskRunner.builder()
                .stateDir(fx.stateDir)
                .dataDir(fx.dataDir)
                .drivers(DriverRegistry.of(
                        List.of(new FakeDriverFactory(fx.driver)), fx.dataDir.resolve("drivers"), Map.of()))
                .serviceRegistry(fx.registry)
                .artifacts(options.build())
                .build();
    }

    private static TaskSpec withArtifacts(TaskSpec t, ArtifactSpec... artifacts) {
        TaskSpec.Builder b = t.toBuilder();
        for (ArtifactSpec a : artifacts) {
            b.artifact(a);
        }
        return b.build();
    }

    private Path taskDir(AllocationHandle alloc, String task) {
        return fx.dataDir.resolve("alloc").resolve(alloc.id()).resolve(task);
    }

    /** Files a fetch may leave behind when it goes wrong: its temp file or unpacking directory. */
    private static List<Path> leftovers(Path taskDir) throws IOException {
        try (Stream<Path> all = Files.walk(taskDir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".artifact-"))
                    .toList();
        }
    }

    @Test
    void aFileIsFetchedIntoLocalAndCheckedBeforeTheDriverIsCalled() throws Exception {
        server.serve("/config.txt", CONFIG);
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/config.txt"))
                        .checksum(TestArchives.checksum("sha256", CONFIG))
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isFalse();
        assertThat(types(alloc.events("web")))
                .containsExactly(RECEIVED, TASK_SETUP, DOWNLOADING_ARTIFACTS, DRIVER, STARTED, TERMINATED);
        assertThat(taskDir(alloc, "web").resolve("local/config.txt")).hasBinaryContent(CONFIG);
        assertThat(Files.getPosixFilePermissions(taskDir(alloc, "web").resolve("local/config.txt")))
                .containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.GROUP_READ,
                        PosixFilePermission.OTHERS_READ);
        assertThat(leftovers(taskDir(alloc, "web"))).isEmpty();
    }

    @Test
    void theTasksVariablesAreExpandedInSourceAndDestinationBeforeTheFetch() throws Exception {
        server.serve("/web/config.txt", CONFIG);
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/${NOMAD_TASK_NAME}/config.txt"))
                        .destination("local/${NOMAD_GROUP_NAME}/")
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("events: %s", alloc.events("web")).isFalse();
        assertThat(server.hits("/web/config.txt")).isEqualTo(1);
        assertThat(taskDir(alloc, "web").resolve("local/group1/config.txt")).hasBinaryContent(CONFIG);
    }

    @Test
    void aTarGzIsUnpackedIntoItsDestinationKeepingModes() throws Exception {
        byte[] archive = TestArchives.tar("gz")
                .dir("bin")
                .file("bin/run.sh", "#!/bin/sh\necho hi\n", 0755)
                .file("README", "read me", 0644)
                .symlink("run", "bin/run.sh")
                .bytes();
        server.serve("/app.tar.gz", archive);
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/app.tar.gz"))
                        .destination("local/app")
                        .checksum(TestArchives.checksum("sha512", archive))
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        assertThat(alloc.await(WAIT).failed()).isFalse();

        Path app = taskDir(alloc, "web").resolve("local/app");
        assertThat(app.resolve("bin/run.sh")).hasContent("#!/bin/sh\necho hi");
        assertThat(Files.isExecutable(app.resolve("bin/run.sh"))).isTrue();
        assertThat(app.resolve("README")).hasContent("read me");
        assertThat(Files.readSymbolicLink(app.resolve("run"))).isEqualTo(Path.of("bin/run.sh"));
        assertThat(app.resolve("app.tar.gz")).doesNotExist();
        assertThat(leftovers(taskDir(alloc, "web"))).isEmpty();
    }

    @Test
    void aZipIsUnpackedAndAGzipFileDecompressed() throws Exception {
        server.serve("/site.zip", TestArchives.zip("index.html", "<h1>hi</h1>", "js/app.sh", "echo app"));
        server.serve("/notes.txt.gz", TestArchives.gzip(CONFIG));
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/site.zip"))
                        .destination("local/site")
                        .build(),
                ArtifactSpec.builder(server.url("/notes.txt.gz"))
                        .checksum(TestArchives.checksum("md5", TestArchives.gzip(CONFIG)))
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        assertThat(alloc.await(WAIT).failed()).isFalse();

        Path local = taskDir(alloc, "web").resolve("local");
        assertThat(local.resolve("site/index.html")).hasContent("<h1>hi</h1>");
        assertThat(Files.isExecutable(local.resolve("site/js/app.sh"))).isTrue();
        assertThat(local.resolve("notes.txt")).hasBinaryContent(CONFIG);
        assertThat(alloc.events("web"))
                .filteredOn(e -> e.type() == DOWNLOADING_ARTIFACTS)
                .singleElement()
                .satisfies(e -> assertThat(e.details()).containsEntry("count", "2"));
    }

    @Test
    void aWrongChecksumFailsTheTaskWithTheEventAndLeavesNoFile() throws Exception {
        server.serve("/config.txt", CONFIG);
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/config.txt"))
                        .checksum("sha256:" + "0".repeat(64))
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(types(alloc.events("web")))
                .containsExactly(RECEIVED, TASK_SETUP, DOWNLOADING_ARTIFACTS, FAILED_ARTIFACT_DOWNLOAD, NOT_RESTARTING);
        TaskEvent failed = alloc.events("web").get(3);
        assertThat(failed.message())
                .contains("failed to download artifact \"" + server.url("/config.txt") + "\"")
                .contains("checksum mismatch: expected sha256:" + "0".repeat(64));
        assertThat(status.tasks().get("web").lastExit().orElseThrow().error()).contains("checksum mismatch");
        assertThat(fx.driver.calls).noneMatch(c -> c.startsWith("prestart") || c.startsWith("start"));
        try (Stream<Path> local = Files.list(taskDir(alloc, "web").resolve("local"))) {
            assertThat(local).isEmpty();
        }
        assertThat(leftovers(taskDir(alloc, "web"))).isEmpty();
    }

    @Test
    void anArchiveEntryThatClimbsOutIsRefusedAndNothingIsUnpacked() throws Exception {
        byte[] evil = TestArchives.tar("gz")
                .file("ok.txt", "fine", 0644)
                .file("../../evil.sh", "rm -rf /", 0755)
                .bytes();
        server.serve("/evil.tar.gz", evil);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(server.url("/evil.tar.gz")));

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).isTrue();
        assertThat(alloc.events("web"))
                .filteredOn(e -> e.type() == FAILED_ARTIFACT_DOWNLOAD)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.message()).contains("archive entry \"../../evil.sh\" leaves the destination");
                    assertThat(e.details()).containsEntry("recoverable", "false");
                });
        Path taskDir = taskDir(alloc, "web");
        assertThat(taskDir.resolve("evil.sh")).doesNotExist();
        assertThat(taskDir.getParent().resolve("evil.sh")).doesNotExist();
        assertThat(taskDir.resolve("local/ok.txt")).doesNotExist(); // all or nothing
        assertThat(leftovers(taskDir)).isEmpty();
    }

    @Test
    void aDownloadLargerThanTheOperatorsLimitIsRefused() throws Exception {
        runner.close();
        runner = runner(ArtifactOptions.builder().httpMaxSize(1000));
        server.serve("/big.bin", new byte[5000]);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(server.url("/big.bin")));

        AllocationHandle alloc = runner.submit(job(web)).get(0);

        assertThat(alloc.await(WAIT).failed()).isTrue();
        assertThat(alloc.events("web"))
                .filteredOn(e -> e.type() == FAILED_ARTIFACT_DOWNLOAD)
                .singleElement()
                .satisfies(
                        e -> assertThat(e.message()).contains("larger than the limit of 1000 bytes (http_max_size)"));
        assertThat(taskDir(alloc, "web").resolve("local/big.bin")).doesNotExist();
        assertThat(leftovers(taskDir(alloc, "web"))).isEmpty();
    }

    @Test
    void aRestartedTaskDoesNotFetchItsArtifactsAgain() throws Exception {
        server.serve("/config.txt", CONFIG);
        TaskSpec web = withArtifacts(
                        task("web", Map.of("run_ms", 1, "exit_code", 3)), ArtifactSpec.of(server.url("/config.txt")))
                .withRestart(RunnerFixture.restart(2, Duration.ofMinutes(1), Duration.ZERO, RestartPolicy.Mode.FAIL));

        AllocationHandle alloc = runner.submit(job(web)).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.tasks().get("web").restarts()).isEqualTo(2);
        assertThat(types(alloc.events("web")).stream().filter(t -> t == STARTED))
                .hasSize(3);
        assertThat(types(alloc.events("web")).stream().filter(t -> t == DOWNLOADING_ARTIFACTS))
                .hasSize(1);
        assertThat(server.hits("/config.txt")).isEqualTo(1);
    }

    @Test
    void aRecoveredTaskThatRestartsDoesNotFetchAgain() throws Exception {
        server.serve("/config.txt", CONFIG);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", -1)), ArtifactSpec.of(server.url("/config.txt")))
                .withRestart(RunnerFixture.restart(1, Duration.ofMinutes(1), Duration.ZERO, RestartPolicy.Mode.FAIL));
        AllocationHandle first = runner.submit(JobSpec.service("svc", List.of(GroupSpec.of("g", List.of(web)))))
                .get(0);
        await().atMost(WAIT).until(() -> types(first.events("web")).contains(STARTED));
        runner.close();

        runner = runner(ArtifactOptions.builder());
        assertThat(runner.recover().reattached()).isEqualTo(1);
        fx.driver.running.get(first.id() + "/web").exit.complete(dev.taskdrivers.api.ExitResult.exited(1));
        AllocationHandle recovered = runner.allocation(first.id()).orElseThrow();
        await().atMost(WAIT)
                .until(() -> types(recovered.events("web")).stream()
                                .filter(t -> t == STARTED)
                                .count()
                        == 2);

        assertThat(types(recovered.events("web"))).containsSubsequence(STARTED, TERMINATED, RESTARTING, STARTED);
        assertThat(server.hits("/config.txt")).isEqualTo(1);
        assertThat(taskDir(recovered, "web").resolve("local/config.txt")).hasBinaryContent(CONFIG);
    }

    @Test
    void aServerErrorIsTriedAgainAfterAWait() throws Exception {
        server.serve("/config.txt", CONFIG).failNext("/config.txt", 2);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(server.url("/config.txt")));

        AllocationHandle alloc = runner.submit(job(web)).get(0);

        assertThat(alloc.await(WAIT).failed()).isFalse();
        assertThat(server.hits("/config.txt")).isEqualTo(3);
        assertThat(types(alloc.events("web"))).doesNotContain(FAILED_ARTIFACT_DOWNLOAD);
        assertThat(taskDir(alloc, "web").resolve("local/config.txt")).hasBinaryContent(CONFIG);
    }

    @Test
    void aFailedDownloadFollowsTheRestartPolicyAndSucceedsLater() throws Exception {
        server.serve("/config.txt", CONFIG).failNext("/config.txt", 3); // all three tries of the first start
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(server.url("/config.txt")))
                .withRestart(RunnerFixture.restart(1, Duration.ofMinutes(1), Duration.ZERO, RestartPolicy.Mode.FAIL));

        AllocationHandle alloc = runner.submit(job(web)).get(0);

        assertThat(alloc.await(WAIT).failed()).isFalse();
        assertThat(types(alloc.events("web")))
                .containsSubsequence(
                        DOWNLOADING_ARTIFACTS, FAILED_ARTIFACT_DOWNLOAD, RESTARTING, DOWNLOADING_ARTIFACTS, STARTED);
        assertThat(server.hits("/config.txt")).isEqualTo(4);
    }

    @Test
    void aTaskStoppedWhileItsArtifactHangsStopsAtOnceAndLeavesNothing() throws Exception {
        server.stall("/slow.bin", 10_000_000, 100_000);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(server.url("/slow.bin")));
        AllocationHandle alloc = runner.submit(job(web)).get(0);
        await().atMost(WAIT).until(() -> types(alloc.events("web")).contains(DOWNLOADING_ARTIFACTS));
        await().atMost(WAIT).until(() -> leftovers(taskDir(alloc, "web")).size() == 1); // the download is under way

        AllocationStatus status = alloc.stop().get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(status.tasks().get("web").state()).isEqualTo(TaskState.DEAD);
        assertThat(fx.driver.calls).noneMatch(c -> c.startsWith("start"));
        assertThat(taskDir(alloc, "web").resolve("local/slow.bin")).doesNotExist();
        assertThat(leftovers(taskDir(alloc, "web"))).isEmpty();
    }

    @Test
    void localFilesAreRefusedUnlessTheOperatorAllowsThem() throws Exception {
        Path file = Files.write(root.resolve("tool.txt"), CONFIG);
        TaskSpec web = withArtifacts(task("web", Map.of("run_ms", 1)), ArtifactSpec.of(file.toString()));

        AllocationHandle refused = runner.submit(job(web)).get(0);
        assertThat(refused.await(WAIT).failed()).isTrue();
        assertThat(refused.events("web"))
                .filteredOn(e -> e.type() == FAILED_ARTIFACT_DOWNLOAD)
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("local files are not allowed"));

        runner.close();
        fx = new RunnerFixture(root.resolve("second")); // closing the runner closed its driver
        runner = runner(ArtifactOptions.builder().localFiles(true));
        TaskSpec viaUrl = withArtifacts(
                task("web", Map.of("run_ms", 1)), ArtifactSpec.of(file.toUri().toString()));
        AllocationHandle allowed = runner.submit(job(viaUrl)).get(0);
        assertThat(allowed.await(WAIT).failed()).isFalse();
        assertThat(taskDir(allowed, "web").resolve("local/tool.txt")).hasBinaryContent(CONFIG);
    }

    @Test
    void headersAreSentAndRedirectsFollowedWithoutShowingSecrets() throws Exception {
        server.serve("/v2/config.txt", CONFIG).redirect("/config.txt", "/v2/config.txt");
        TaskSpec web = withArtifacts(
                task("web", Map.of("run_ms", 1)),
                ArtifactSpec.builder(server.url("/config.txt") + "?token=s3cr3t")
                        .headers(Map.of("X-Api-Key", "k3y-value"))
                        .mode(ArtifactSpec.Mode.FILE)
                        .destination("local/conf/app.conf")
                        .build());

        AllocationHandle alloc = runner.submit(job(web)).get(0);

        assertThat(alloc.await(WAIT).failed()).isFalse();
        assertThat(taskDir(alloc, "web").resolve("local/conf/app.conf")).hasBinaryContent(CONFIG);
        assertThat(server.lastHeader("/v2/config.txt", "X-Api-Key")).isEqualTo("k3y-value");
        assertThat(alloc.events("web").toString()).doesNotContain("s3cr3t").doesNotContain("k3y-value");
        assertThat(web.toString()).doesNotContain("s3cr3t").doesNotContain("k3y-value");
    }
}
