package dev.taskdrivers.runner.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskRunner;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.artifacts.ArtifactServer;
import dev.taskdrivers.runner.artifacts.GitCli;
import dev.taskdrivers.runner.artifacts.GitHttpServer;
import dev.taskdrivers.runner.artifacts.TestArchives;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.JobType;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The corpus's job files that need only drivers present here and no network, run unchanged through the runner to
 * their expected end: a batch job to its success or failure, a service job until every task runs, then stopped.
 * Test-only mapping: the docker image {@code busybox:1} the files name is this machine's local
 * {@value #LOCAL_BUSYBOX} (no internet registry is reachable here), and for {@code artifact-linux.nomad} its
 * {@code bash:5} image is that one too and its artifact sources (GitHub URLs) are served by local HTTP and git
 * servers; nothing else in the files is changed.
 */
@Tag("real")
class NomadCorpusRunTest {
    static final String LOCAL_BUSYBOX = "taskdrivers-test/busybox:1";
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<String> ALL_ALLOCS = new HashSet<>();

    @TempDir
    Path root;

    TaskRunner runner;

    @BeforeEach
    void setUp() {
        runner = TaskRunner.builder()
                .stateDir(root.resolve("state"))
                .dataDir(root.resolve("data"))
                // the shared local test image stays: no removal of unused images
                .driverOptions(Map.of("docker", Map.of("image_gc", Map.of("enabled", false))))
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runner != null) {
            runner.allocations().forEach(a -> ALL_ALLOCS.add(a.id()));
            assertThat(runner.stopAll(WAIT)).isTrue();
            runner.close();
        }
    }

    @AfterAll
    static void nothingLeftRunning() {
        assertThat(RawExec.processesOf(ALL_ALLOCS))
                .as("processes of this test's tasks")
                .isEmpty();
    }

    @ParameterizedTest(name = "{0} ends {1}")
    @CsvSource({
        "e2e-example-env.hcl, succeeded",
        "isolation-exec.hcl, succeeded",
        "isolation-exec-host.hcl, succeeded",
        "isolation-java.hcl, succeeded",
        "isolation-java-host.hcl, succeeded",
        "periodic-simple.nomad, succeeded",
        "lifecycle-batch.nomad, succeeded",
        "rescheduling-fail.nomad, failed",
        "norescheduling-system.nomad, failed",
        "e2e-example-sleep.hcl, running",
        "alloc-logs-mixed-output.nomad, running",
        "consul-checks-task.nomad, running",
        "nomadexec-busybox.hcl, running",
        "system-job.nomad, running",
        "affinities-anti.nomad, running",
        "affinities-multiple.nomad, running",
        "spread-multiple.nomad, running",
        "deployment-auto.nomad, running",
        "parameterized-simple.nomad, succeeded",
        "allocexec-sleepytar.hcl, running",
        "consul-canary-tags.nomad, running",
    })
    void aCorpusJobRunsToItsExpectedEnd(String file, String end) throws Exception {
        JobSpec job = runner.parse(corpusFile(file).replace("\"busybox:1\"", "\"" + LOCAL_BUSYBOX + "\""));
        requireDrivers(job);

        List<AllocationHandle> allocs = runner.submit(job);

        assertThat(allocs)
                .hasSize(job.groups().stream().mapToInt(g -> g.count()).sum());
        for (AllocationHandle alloc : allocs) {
            switch (end) {
                case "succeeded" -> {
                    AllocationStatus status = alloc.await(WAIT);
                    assertThat(status.tasks().values())
                            .as("%s: every task succeeded", file)
                            .allSatisfy(t -> assertThat(t.succeeded())
                                    .as(t.id() + " " + t.lastExit())
                                    .isTrue());
                }
                case "failed" -> {
                    AllocationStatus status = alloc.await(WAIT);
                    assertThat(status.failed())
                            .as("%s: the allocation failed", file)
                            .isTrue();
                }
                default -> {
                    assertThat(job.type()).isEqualTo(JobType.SERVICE);
                    await().atMost(WAIT)
                            .untilAsserted(
                                    () -> assertThat(alloc.status().tasks().values())
                                            .as("%s: every task runs", file)
                                            .extracting(TaskStatus::state)
                                            .containsOnly(TaskState.RUNNING));
                    AllocationStatus stopped = alloc.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    assertThat(stopped.finished()).isTrue();
                }
            }
        }
    }

    @Test
    void eachAllocationOfTheReschedulingFileRunsOrFailsByTheChecksumOfItsId() throws Exception {
        JobSpec job = runner.parse(corpusFile("rescheduling-success.nomad"));
        requireDrivers(job);

        List<AllocationHandle> allocs = runner.submit(job);

        assertThat(allocs).hasSize(3);
        for (AllocationHandle alloc : allocs) {
            if (evenChecksum(alloc.id())) { // the job's rule: sleep when cksum of the id is even, else exit -1
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(alloc.status().tasks().values())
                                .extracting(TaskStatus::state)
                                .containsOnly(TaskState.RUNNING));
                assertThat(alloc.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS).finished())
                        .isTrue();
            } else {
                AllocationStatus status = alloc.await(WAIT);
                assertThat(status.failed()).as("%s", status).isTrue();
                assertThat(status.tasks().values())
                        .allSatisfy(t -> assertThat(t.lastExit().orElseThrow().exitCode())
                                .isEqualTo(255));
            }
        }
    }

    /** What the job computes in bash: {@code cksum <<< "$NOMAD_ALLOC_ID"}, first field, even or not. */
    private static boolean evenChecksum(String allocId) throws Exception {
        Process cksum = new ProcessBuilder("cksum").start();
        cksum.getOutputStream().write((allocId + "\n").getBytes(StandardCharsets.UTF_8));
        cksum.getOutputStream().close();
        String out = new String(cksum.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cksum.waitFor()).isZero();
        return Long.parseLong(out.strip().split("\\s+")[0]) % 2 == 0;
    }

    @Test
    void theBatchTimeoutFileEndsCompleteAtItsMaxRunDurationWithoutStartingItsPoststopTask() throws Exception {
        JobSpec job = runner.parse(corpusFile("batch-timeout-poststop.hcl"));
        requireDrivers(job);

        AllocationHandle alloc = runner.submit(job).get(0);
        AllocationStatus status = alloc.await(WAIT);

        assertThat(status.failed()).as("%s", status).isFalse();
        assertThat(status.description()).contains("allocation exceeded max_run_duration of 5s");
        assertThat(status.tasks().get("sleep").events())
                .extracting(TaskEvent::message)
                .contains("Task killed: allocation exceeded its max_run_duration of 5s");
        TaskStatus poststop = status.tasks().get("poststop");
        assertThat(poststop.state()).isEqualTo(TaskState.DEAD);
        assertThat(poststop.events()).extracting(TaskEvent::type).doesNotContain(TaskEventType.STARTED);
    }

    @Test
    void theArtifactFileFetchesIntoTheTaskAndAllocDirectoriesForRawExecExecAndDocker() throws Exception {
        String goMod = "module github.com/hashicorp/go-set/v3\n";
        RealEnvironment.require(GitCli.works(), "the git executable");
        Path repos = Files.createDirectories(root.resolve("repos"));
        GitCli.bareRepository(root, repos, "go-set.git", "go.mod", goMod);
        try (ArtifactServer http = new ArtifactServer();
                GitHttpServer gitServer = new GitHttpServer(repos)) {
            http.serve("/go.mod", goMod.getBytes(StandardCharsets.UTF_8))
                    .serve("/main.zip", TestArchives.zip("go-set-main/go.mod", goMod));
            // test-only mapping: the file's sources are served here (no internet), its bash:5 image is local busybox
            String text = corpusFile("artifact-linux.nomad")
                    .replace("https://raw.githubusercontent.com/hashicorp/go-set/main/go.mod", http.url("/go.mod"))
                    .replace("https://github.com/hashicorp/go-set/archive/refs/heads/main.zip", http.url("/main.zip"))
                    .replace(
                            "git::https://github.com/hashicorp/go-set\"", "git::" + gitServer.url("/go-set.git") + "\"")
                    .replace("\"bash:5\"", "\"" + LOCAL_BUSYBOX + "\"");
            JobSpec job = runner.parse(text);
            requireDrivers(job);

            List<AllocationStatus> ends = new ArrayList<>();
            for (AllocationHandle alloc : runner.submit(job)) {
                ends.add(alloc.await(WAIT));
            }

            assertThat(ends).hasSize(3).allSatisfy(status -> {
                assertThat(status.tasks().values())
                        .allSatisfy(t -> assertThat(t.succeeded())
                                .as("%s %s %s", t.id(), t.lastExit(), t.events())
                                .isTrue());
                Path shared =
                        status.tasks().values().iterator().next().taskDir().resolveSibling("alloc");
                assertThat(shared.resolve("go.mod"))
                        .as("the alloc tasks' artifact, in the host's alloc directory")
                        .hasContent(goMod.strip());
            });
        }
    }

    /** Skips (fails under CI) unless every driver the job names is healthy here, and the local image exists. */
    private void requireDrivers(JobSpec job) throws Exception {
        Set<String> names = new HashSet<>();
        job.groups().forEach(g -> g.tasks().forEach(t -> names.add(t.driver())));
        for (String name : names) {
            Fingerprint f = runner.drivers().has(name)
                    ? runner.drivers().driver(name).fingerprint()
                    : Fingerprint.undetected(name + " is not on the class path");
            RealEnvironment.require(f.isHealthy(), "a healthy " + name + " driver (" + f.description() + ")");
        }
        if (names.contains("docker")) {
            Process inspect = new ProcessBuilder("docker", "image", "inspect", LOCAL_BUSYBOX)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            RealEnvironment.require(
                    inspect.waitFor(30, TimeUnit.SECONDS) && inspect.exitValue() == 0,
                    "a Docker engine with " + LOCAL_BUSYBOX + " (run scripts/start-services.sh)");
        }
    }

    private static String corpusFile(String name) throws IOException, URISyntaxException {
        return Files.readString(Path.of(
                NomadCorpusRunTest.class.getResource("/nomad-corpus/" + name).toURI()));
    }
}
