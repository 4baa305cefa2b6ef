package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A runner that dies between an exec task's start and the write of its handle: a new driver on the same data
 * directory finds the isolated task by its id, with its exit status and cgroup, and stops it; cleanup without the
 * start's resources still removes its cgroup, files and the tmpfs on its secrets directory.
 */
@Tag("real")
class IsolatedExecFindUnrecordedTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @TempDir
    Path tempDir;

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aStartWhoseHandleWasNeverRecordedIsFoundWithItsExitStatusAndCleanedUp(boolean forkServer) throws Exception {
        IsolationHost.require();
        Map<String, Object> options = Map.of("fork_server", forkServer);
        Path dataDir = tempDir.resolve("data");
        Driver first = new IsolatedExecDriverFactory().create(new DriverContext(options, dataDir));
        Driver next = new IsolatedExecDriverFactory().create(new DriverContext(options, dataDir));
        TaskConfig task = prestarted(first);
        StartResult started = first.start(task, EventEmitter.NONE); // its runner dies before recording it
        HandleState lost = started.handle().state();
        try {
            awaitRunning(task);
            TaskHandle found = next.findUnrecorded(task, EventEmitter.NONE).orElseThrow();

            HandleState state = found.state();
            for (String key : List.of("pid", "pid_start", "supervisor_pid", "exit_file", "cgroup", "root", "leader")) {
                assertThat(state.require(key)).as(key).isEqualTo(lost.require(key));
            }
            assertThat(found.exitFuture()).isNotDone();
            Files.writeString(task.dirs().allocDir().resolve("trigger"), "go");
            ExitResult result = found.exitFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.exitCode()).isEqualTo(7);
            found.close();

            Path secrets = task.dirs().secretsDir().toAbsolutePath().normalize();
            assertThat(tmpfsMountedOn(secrets))
                    .as("the start's tmpfs on secrets/")
                    .isTrue();

            next.cleanup(task, CreatedResources.empty()); // the runner never learnt what start created

            assertThat(tmpfsMountedOn(secrets))
                    .as("a tmpfs on %s in /proc/self/mountinfo", secrets)
                    .isFalse();

            assertThat(cgroupsNamed(task.id().allocId()))
                    .as("cgroups of the task")
                    .isEmpty();
            assertThat(Path.of(lost.require("exit_file"))).doesNotExist();
        } finally {
            started.handle().stop(Duration.ZERO, "SIGKILL").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            started.handle().close();
            first.cleanup(task, started.created());
            first.close();
            next.close();
        }
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void stoppingTheFoundTaskEndsIt(boolean forkServer) throws Exception {
        IsolationHost.require();
        Map<String, Object> options = Map.of("fork_server", forkServer);
        Path dataDir = tempDir.resolve("data");
        Driver first = new IsolatedExecDriverFactory().create(new DriverContext(options, dataDir));
        Driver next = new IsolatedExecDriverFactory().create(new DriverContext(options, dataDir));
        TaskConfig task = prestarted(first);
        StartResult started = first.start(task, EventEmitter.NONE);
        ProcessIdentity leader = new ProcessIdentity(
                Integer.parseInt(started.handle().state().require("pid")),
                Long.parseLong(started.handle().state().require("pid_start")));
        try {
            awaitRunning(task);
            TaskHandle found = next.findUnrecorded(task, EventEmitter.NONE).orElseThrow();

            found.stop(Duration.ofSeconds(5), "SIGTERM").get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(leader.isRunning()).isFalse();
            assertThat(next.findUnrecorded(task, EventEmitter.NONE)).isEmpty();
            found.close();
        } finally {
            started.handle().stop(Duration.ZERO, "SIGKILL").get(WAIT.toSeconds(), TimeUnit.SECONDS);
            started.handle().close();
            first.cleanup(task, started.created());
            first.close();
            next.close();
        }
    }

    private static void awaitRunning(TaskConfig task) {
        await().atMost(WAIT).until(() -> Files.exists(task.dirs().allocDir().resolve("running")));
    }

    private static boolean tmpfsMountedOn(Path mountPoint) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(line -> line.split(" "))
                .anyMatch(f -> f[4].equals(mountPoint.toString()) && f[f.length - 3].equals("tmpfs"));
    }

    /** The task cgroups below the driver's parent, in every hierarchy (v1 and v2), whose names start so. */
    private static List<Path> cgroupsNamed(String prefix) throws IOException {
        List<Path> parents = new ArrayList<>(List.of(CGROUPS.resolve("taskdrivers")));
        try (var hierarchies = Files.list(CGROUPS)) {
            hierarchies.map(h -> h.resolve("taskdrivers")).forEach(parents::add);
        }
        List<Path> found = new ArrayList<>();
        for (Path parent : parents) {
            if (Files.isDirectory(parent)) {
                try (var children = Files.list(parent)) {
                    children.filter(c -> Files.isDirectory(c)
                                    && c.getFileName().toString().startsWith(prefix))
                            .forEach(found::add);
                }
            }
        }
        return found;
    }

    /**
     * A task that says it runs (its environment is its own from its exec on, not its launcher's), runs until a
     * trigger file appears in its allocation directory, then exits with 7.
     */
    private TaskConfig prestarted(Driver target) throws IOException {
        TaskId id = new TaskId("found" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        Files.createDirectories(dirs.allocDir());
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, Resources.DEFAULT_MEMORY_MB, List.of());
        TaskConfig task = new TaskConfig(
                id,
                Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of(
                                "-c",
                                ": > \"$NOMAD_ALLOC_DIR/running\"; while [ ! -f \"$NOMAD_ALLOC_DIR/trigger\" ]; do sleep 0.05; done;"
                                        + " exit 7")),
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                null,
                null);
        PrestartResult prestart = target.prestart(task, EventEmitter.NONE);
        return task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
    }
}
