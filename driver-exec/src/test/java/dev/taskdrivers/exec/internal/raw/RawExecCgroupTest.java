package dev.taskdrivers.exec.internal.raw;

import static dev.taskdrivers.exec.internal.raw.RawExecFixture.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.HandleState;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.exec.internal.cgroup.CgroupSystem;
import dev.taskdrivers.exec.internal.cgroup.CgroupVersion;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each raw_exec task in a cgroup of its own, on the host's real cgroups (needs root): its limits, a process that
 * escaped the task's process group killed at stop, the cgroup gone after cleanup, and kept across a recovery.
 */
@Tag("real")
class RawExecCgroupTest {
    private static final long MIB = 1024L * 1024L;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tempDir;

    private RawExecFixture fixture;
    private Driver driver;
    private CgroupSystem cgroups;

    @BeforeEach
    void setUp() throws Exception {
        RawExecCgroups found =
                RawExecCgroups.probe("taskdrivers", TaskUser.runnerUid(), () -> MountInfo.read(MountInfo.SELF));
        RealEnvironment.require(
                found.system().isPresent(), "root and writable cgroups (" + found.unavailableReason() + ")");
        cgroups = found.system().orElseThrow();
        fixture = new RawExecFixture(tempDir);
        driver = fixture.driver();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theFingerprintSaysTasksGetCgroups() {
        assertThat(driver.fingerprint().attributes())
                .containsEntry("driver.raw_exec.cgroup", "true")
                .containsEntry("driver.raw_exec.cgroup_version", cgroups.version() == CgroupVersion.V1 ? "1" : "2");
    }

    @Test
    void aTaskRunsInItsOwnCgroupWithItsMemoryAsTheHardLimit() throws Exception {
        TaskConfig task = withResources(
                fixture.task("limited", Map.of("command", "sleep", "args", List.of("600"))),
                new Resources(250, 64, List.of()));
        TaskHandle handle = fixture.start(driver, task);
        String cgroup = cgroupOf(handle);

        assertThat(cgroup).startsWith("taskdrivers/");
        assertThat(fixture.created(handle).get(RawExecDriver.CGROUPS)).containsExactly(cgroup);
        awaitJoined(handle, cgroup);
        if (cgroups.version() == CgroupVersion.V1) {
            assertThat(read("memory", cgroup, "memory.limit_in_bytes")).isEqualTo(64 * MIB);
            assertThat(read("cpu", cgroup, "cpu.shares")).isEqualTo(250);
        } else {
            assertThat(read("", cgroup, "memory.max")).isEqualTo(64 * MIB);
        }
    }

    @Test
    void withMemoryMaxThatIsTheHardLimitAndMemoryTheSoftOne() throws Exception {
        TaskConfig task = withResources(
                fixture.task("oversubscribed", Map.of("command", "sleep", "args", List.of("600"))),
                new Resources(100, 64, List.of(), 128, List.of()));
        TaskHandle handle = fixture.start(driver, task);
        String cgroup = cgroupOf(handle);
        awaitJoined(handle, cgroup);

        if (cgroups.version() == CgroupVersion.V1) {
            assertThat(read("memory", cgroup, "memory.limit_in_bytes")).isEqualTo(128 * MIB);
            assertThat(read("memory", cgroup, "memory.soft_limit_in_bytes")).isEqualTo(64 * MIB);
        } else {
            assertThat(read("", cgroup, "memory.max")).isEqualTo(128 * MIB);
            assertThat(read("", cgroup, "memory.low")).isEqualTo(64 * MIB);
        }
    }

    @Test
    void aTaskGrowingPastItsMemoryIsKilledAndTheExitSaysOom() throws Exception {
        TaskConfig task = withResources(
                fixture.task(
                        "hungry",
                        Map.of(
                                "command",
                                "perl",
                                "args",
                                List.of("-e", "my $x = 'a' x (256 * 1024 * 1024); print length($x)"))),
                new Resources(100, 32, List.of()));

        ExitResult result = fixture.start(driver, task).exitFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.signal()).as("result %s", result).isEqualTo(9);
        assertThat(result.oomKilled()).as("result %s", result).isTrue();
    }

    @ParameterizedTest(name = "fork_server = {0}")
    @ValueSource(booleans = {true, false})
    void aDoubleForkedGrandchildInItsOwnSessionIsKilledAtStopAndTheCgroupRemovedAtCleanup(boolean forkServer)
            throws Exception {
        Path pidFile = tempDir.resolve("grandchild.pid");
        TaskConfig task = fixture.task("escaper", escaping(pidFile));
        Driver driver = fixture.driver(Map.of("fork_server", forkServer));
        TaskHandle handle = fixture.start(driver, task);
        String cgroup = cgroupOf(handle);
        ProcessIdentity grandchild = awaitGrandchild(pidFile);
        assertThat(cgroupsOfProcess(grandchild.pid()))
                .as("the grandchild's cgroup")
                .contains("/" + cgroup);

        ExitResult result = handle.stop(Duration.ofMillis(200), "SIGTERM").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.successful()).as("result %s", result).isFalse();
        await().atMost(TIMEOUT).until(() -> !grandchild.isRunning());
        assertThat(cgroupDirs(cgroup)).as("kept until cleanup").anyMatch(Files::isDirectory);
        driver.cleanup(task, fixture.created(handle));
        assertThat(cgroupDirs(cgroup)).noneMatch(Files::exists);
    }

    @Test
    void aRecoveredTaskKeepsItsCgroup() throws Exception {
        Path pidFile = tempDir.resolve("grandchild.pid");
        TaskConfig task = fixture.task("recovered", escaping(pidFile));
        TaskHandle handle = fixture.start(driver, task);
        String cgroup = cgroupOf(handle);
        ProcessIdentity grandchild = awaitGrandchild(pidFile);
        HandleState state = handle.state();
        handle.close();
        driver.close();

        Driver next = fixture.driver();
        TaskHandle recovered = next.recover(task, state, EventEmitter.NONE);
        fixture.replace(handle, next, recovered);

        assertThat(cgroupOf(recovered)).isEqualTo(cgroup);
        recovered.stop(Duration.ZERO, "SIGKILL").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        await().atMost(TIMEOUT).until(() -> !grandchild.isRunning());
        next.cleanup(task, fixture.created(recovered));
        assertThat(cgroupDirs(cgroup)).noneMatch(Files::exists);
    }

    @Test
    void aStateWrittenBeforeTasksHadCgroupsIsStillRecovered() throws Exception {
        TaskConfig task = fixture.task("older", Map.of("command", "sleep", "args", List.of("600")));
        TaskHandle handle = fixture.start(driver, task);
        Map<String, String> older = new HashMap<>(handle.state().data());
        older.remove(RawExecHandle.CGROUP);
        handle.close();

        TaskHandle recovered = driver.recover(
                task,
                new HandleState(RawExecDriverFactory.NAME, RawExecDriver.STATE_VERSION, older),
                EventEmitter.NONE);
        fixture.replace(handle, driver, recovered);

        assertThat(recovered.state().data()).doesNotContainKey(RawExecHandle.CGROUP);
        ExitResult result = recovered.stop(Duration.ZERO, "SIGKILL").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.signal()).isEqualTo(9);
    }

    /** A task whose child starts a new session and forks the grandchild there, then exits: a classic daemon. */
    private static Map<String, Object> escaping(Path pidFile) {
        return sh("setsid sh -c 'sleep 600 & echo $! > " + pidFile + "' & wait; exec sleep 600");
    }

    private static ProcessIdentity awaitGrandchild(Path pidFile) {
        await().atMost(TIMEOUT)
                .until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        try {
            ProcessIdentity grandchild =
                    ProcessIdentity.of(Long.parseLong(Files.readString(pidFile).strip()));
            assertThat(grandchild.isRunning()).isTrue();
            return grandchild;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cgroupOf(TaskHandle handle) {
        String cgroup = handle.state().data().get(RawExecHandle.CGROUP);
        assertThat(cgroup).as("the handle state's cgroup").isNotNull();
        return cgroup;
    }

    /**
     * Waits until the task is in its cgroup: it creates it (with its limits) and joins it itself, right after the
     * fork the start returns at.
     */
    private static void awaitJoined(TaskHandle handle, String cgroup) {
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(cgroupsOfProcess(pid(handle)))
                        .as("/proc/<pid>/cgroup")
                        .contains("/" + cgroup));
    }

    private static long pid(TaskHandle handle) {
        return Long.parseLong(handle.state().data().get("pid"));
    }

    /** The cgroup paths in {@code /proc/<pid>/cgroup}, one per hierarchy. */
    private static List<String> cgroupsOfProcess(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup")).stream()
                .map(line -> line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1))
                .toList();
    }

    /** The cgroup's directories in the hierarchies that hold memory, cpu and pids. */
    private List<Path> cgroupDirs(String cgroup) {
        return cgroups.requiredRoots().stream()
                .map(root -> root.resolve(cgroup))
                .toList();
    }

    /** A number from the cgroup's {@code file} in the hierarchy of {@code controller} (v1) or the unified one. */
    private long read(String controller, String cgroup, String file) throws IOException {
        Path root = cgroups.version() == CgroupVersion.V1
                ? MountInfo.read(MountInfo.SELF).mounts().stream()
                        .filter(m ->
                                m.fsType().equals("cgroup") && m.superOptions().contains(controller))
                        .map(MountInfo.Mount::mountPoint)
                        .findFirst()
                        .orElseThrow()
                : cgroups.v2Root().orElseThrow();
        return Long.parseLong(
                Files.readString(root.resolve(cgroup).resolve(file)).strip());
    }

    private static TaskConfig withResources(TaskConfig task, Resources resources) {
        return new TaskConfig(
                task.id(),
                task.driverConfig(),
                task.env(),
                resources,
                task.dirs(),
                task.user(),
                task.killTimeout(),
                task.killSignal());
    }
}
