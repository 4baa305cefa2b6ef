package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What isolation promises, checked against the real kernel: namespaces, chroot, cgroup limits, user, cleanup. */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolatedExecIsolationTest {
    private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

    @TempDir
    Path tempDir;

    private Driver driver;
    private final List<Started> started = new ArrayList<>();
    /** The cgroups of every task this class started; other test runs on the host may have theirs meanwhile. */
    private final java.util.Set<String> ourCgroups = new java.util.HashSet<>();

    private final List<DriverEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    void requireHost() {
        IsolationHost.require();
    }

    @BeforeEach
    void createDriver() {
        driver = new IsolatedExecDriverFactory().create(new DriverContext(driverOptions(), tempDir.resolve("data")));
    }

    /** The driver's options: the defaults, under which a fork server sets tasks up. */
    Map<String, Object> driverOptions() {
        return Map.of();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Started s : started) {
            ourCgroups.add(s.handle.state().data().get("cgroup"));
            s.handle.stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
            s.handle.close();
            driver.cleanup(s.task, s.created);
            assertThat(cgroupDir("memory", s.handle)).as("cgroup removed").doesNotExist();
            assertThat(cgroupDir("cpuset", s.handle))
                    .as("cpuset cgroup removed")
                    .doesNotExist();
        }
        started.clear();
        driver.close();
    }

    @AfterAll
    void nothingOfOursIsMountedOrInACgroup() throws Exception {
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(tempDir.toString());
        for (String controller : List.of("memory", "cpu", "pids", "freezer", "cpuset")) {
            Path parent = CGROUPS.resolve(controller).resolve("taskdrivers");
            if (Files.isDirectory(parent)) {
                try (var children = Files.list(parent)) {
                    assertThat(children.filter(Files::isDirectory)
                                    .map(p -> p.getFileName().toString()))
                            .as("task cgroups left in %s", parent)
                            .noneMatch(n -> ourCgroups.contains("taskdrivers/" + n));
                }
            }
        }
    }

    @Test
    void taskCannotSeeHostProcessesAndRunsAsNobodyUnderItsOwnHostname() throws Exception {
        Started s = start(
                sh("echo procs=$(ls /proc | grep -c '^[0-9]'); echo host=$(hostname); echo uid=$(id -u)"), Map.of());
        assertThat(exit(s).exitCode()).isZero();
        String out = stdout(s);
        int visible = Integer.parseInt(out.replaceAll("(?s).*procs=(\\d+).*", "$1"));
        assertThat(visible).as("processes visible inside: %s", out).isBetween(1, 5);
        assertThat(out).contains("host=" + s.task.id().taskName()).contains("uid=65534");
    }

    @Test
    void taskCannotWriteOutsideItsDirectories() throws Exception {
        String script = "for p in /etc /usr /bin / /alloc /local /secrets /tmp; do "
                + "if touch $p/written 2>/dev/null; then echo \"ok $p\"; else echo \"denied $p\"; fi; done";
        Started s = start(sh(script), Map.of());
        assertThat(exit(s).exitCode()).isZero();
        assertThat(stdout(s))
                .contains(
                        "denied /etc",
                        "denied /usr",
                        "denied /bin",
                        "denied /\n",
                        "ok /alloc",
                        "ok /local",
                        "ok /secrets",
                        "ok /tmp");
        assertThat(Path.of("/etc/written")).doesNotExist();
        assertThat(s.task.dirs().localDir().resolve("written")).exists();
        assertThat(s.task.dirs().allocDir().resolve("written")).exists();
    }

    @Test
    void sigintReachesTheTaskWithItsDefaultAction() throws Exception {
        Started s = start(sh("echo started; exec sleep 30"), Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout(s).contains("started"));
        // before or after the exec, the shell and sleep alike end by a SIGINT's default action

        s.handle.signal("SIGINT");

        assertThat(exit(s).signal()).as("result").isEqualTo(2);
    }

    @Test
    void exceedingTheMemoryLimitEndsInAnOomResultAndEvent() throws Exception {
        Started s = start(Map.of("command", "tail", "args", List.of("/dev/zero")), Map.of(), 32);
        ExitResult result = exit(s);
        assertThat(result.oomKilled()).as("result %s", result).isTrue();
        assertThat(result.successful()).isFalse();
        assertThat(events).anySatisfy(e -> assertThat(e.details()).containsEntry("oom_killed", "true"));
    }

    @Test
    void anOomEventOfATaskWithAMemoryMaximumNamesTheMaximum() throws Exception {
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, 32, List.of()).withMemoryMaxMb(48);
        Started s = start(Map.of("command", "tail", "args", List.of("/dev/zero")), Map.of(), resources);
        ExitResult result = exit(s);
        assertThat(result.oomKilled()).as("result %s", result).isTrue();
        assertThat(events)
                .anySatisfy(e -> assertThat(e.details()).containsEntry("memory_limit_mb", "48"))
                .anySatisfy(e -> assertThat(e.message()).endsWith("memory limit of 48 MiB"));
    }

    @Test
    void aMemoryMaximumIsTheHardLimitTheMemoryTheSoftOneAndReservedCoresTheCpuset() throws Exception {
        long mib = 1024L * 1024;
        Resources resources = new Resources(Resources.DEFAULT_CPU_MHZ, 64, List.of())
                .withMemoryMaxMb(160)
                .withReservedCores(List.of(0));
        Started s = start(Map.of("command", "sleep", "args", List.of("600")), Map.of(), resources);
        Path memory = cgroupDir("memory", s.handle);
        Path cpuset = cgroupDir("cpuset", s.handle);
        // the task's own set-up makes its cgroups, limits first, then joins them, after start returned
        awaitJoined(memory);
        awaitJoined(cpuset);

        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim())
                .isEqualTo(String.valueOf(160 * mib));
        assertThat(Files.readString(memory.resolve("memory.soft_limit_in_bytes"))
                        .trim())
                .isEqualTo(String.valueOf(64 * mib));
        assertThat(Files.readString(cpuset.resolve("cpuset.cpus")).trim()).isEqualTo("0");
        String pid = Files.readString(cpuset.resolve("cgroup.procs"))
                .lines()
                .findFirst()
                .orElseThrow();
        assertThat(Files.readString(Path.of("/proc", pid, "status"))).contains("Cpus_allowed_list:\t0\n");
    }

    @Test
    void aTaskWithoutReservedCoresRunsOnEveryCoreOfItsParent() throws Exception {
        Started s = start(Map.of("command", "sleep", "args", List.of("600")), Map.of());
        awaitJoined(cgroupDir("cpuset", s.handle));

        assertThat(Files.readString(cgroupDir("cpuset", s.handle).resolve("cpuset.cpus"))
                        .trim())
                .isEqualTo(
                        Files.readString(CGROUPS.resolve("cpuset/cpuset.cpus")).trim());
    }

    @Test
    void theProcessLimitContainsAForkBomb() throws Exception {
        Started s = start(
                Map.of("command", "/bin/sh", "pids_limit", 40L, "args", List.of("-c", "b() { b & b & wait; }; b")),
                Map.of());
        Path pids = cgroupDir("pids", s.handle);
        // the kernel counts every fork refused at the limit
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !Files.readString(pids.resolve("pids.events")).contains("max 0"));
        assertThat(Long.parseLong(Files.readString(pids.resolve("pids.peak")).trim()))
                .isLessThanOrEqualTo(40);
    }

    @Test
    void execRunsInsideTheChrootAndPidNamespaceAsTheTaskUser() throws Exception {
        Started s = start(Map.of("command", "sleep", "args", List.of("600")), Map.of());
        // the task's entry execs its command after start returned: an exec may come first
        await().atMost(Duration.ofSeconds(10))
                .until(() -> s.handle
                        .exec(ExecRequest.of(List.of("/bin/sh", "-c", "cat /proc/[0-9]*/comm"), Duration.ofSeconds(10)))
                        .stdout()
                        .contains("sleep"));
        ExecResult result = s.handle.exec(ExecRequest.of(
                List.of("/bin/sh", "-c", "hostname; id -u; cat /proc/[0-9]*/comm; ls /; cat /proc/self/cgroup"),
                Duration.ofSeconds(10)));
        assertThat(result.exitCode()).as("exec %s", result).isZero();
        assertThat(result.stdout())
                .contains(
                        s.task.id().taskName(),
                        "65534",
                        "sleep",
                        "tini",
                        "local",
                        "secrets",
                        s.handle.state().data().get("cgroup"))
                .doesNotContain("java", "home");
    }

    @Test
    void execIntoATaskSharingTheHostPidNamespaceStillRunsInItsChrootAndCgroup() throws Exception {
        Started s = start(Map.of("command", "sleep", "args", List.of("600"), "pid_mode", "host"), Map.of());
        ExecResult result = s.handle.exec(ExecRequest.of(
                List.of("/bin/sh", "-c", "hostname; id -u; ls /; cat /proc/self/cgroup"), Duration.ofSeconds(10)));
        assertThat(result.exitCode()).as("exec %s", result).isZero();
        assertThat(result.stdout())
                .contains(
                        s.task.id().taskName(),
                        "65534",
                        "local",
                        "secrets",
                        s.handle.state().data().get("cgroup"))
                .doesNotContain("home");
    }

    @Test
    void execRightAfterStartRunsInTheTasksCgroup() throws Exception {
        for (int i = 0; i < 50; i++) {
            Started s = start(
                    Map.of("command", "sleep", "args", List.of("600"), "pid_mode", i % 2 == 0 ? "host" : "private"),
                    Map.of());
            ExecResult result =
                    s.handle.exec(ExecRequest.of(List.of("cat", "/proc/self/cgroup"), Duration.ofSeconds(10)));
            assertThat(result.exitCode()).as("exec %d: %s", i, result).isZero();
            assertThat(result.stdout()).contains(s.handle.state().data().get("cgroup"));
            s.handle.stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void execWaitsForATaskStillSettingUpItsCgroup() throws Exception {
        Assumptions.assumeFalse(
                Boolean.FALSE.equals(driverOptions().get("fork_server")),
                "only the fork server returns from start before the task joined its cgroup");
        TaskConfig task =
                task(Map.of("command", "sleep", "args", List.of("600")), Map.of(), Resources.DEFAULT_MEMORY_MB, null);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        // the task opens its stdout after start returned and before it creates its cgroup: a FIFO holds it there
        Path stdout = task.dirs().logsDir().resolve(task.id().taskName() + ".stdout.0");
        assertThat(new ProcessBuilder("mkfifo", stdout.toString()).start().waitFor())
                .isZero();
        StartResult result = driver.start(
                task.withEnv(TaskEnvironment.builder(task.id())
                        .dirs(task.dirs())
                        .resources(task.resources())
                        .overrides(prestart.envOverrides())
                        .build()),
                events::add);
        Started s = new Started(task, result.handle(), prestart.created().merge(result.created()));
        started.add(s);

        assertThatThrownBy(() -> s.handle.exec(ExecRequest.of(List.of("true"), Duration.ofSeconds(10))))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("has not joined its cgroup")
                .hasMessageContaining(s.handle.state().data().get("cgroup"));

        Thread reader = new Thread(() -> {
            try (var in = Files.newInputStream(stdout)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException e) {
                // the task ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        ExecResult joined = s.handle.exec(ExecRequest.of(List.of("cat", "/proc/self/cgroup"), Duration.ofSeconds(10)));
        assertThat(joined.exitCode()).as("exec %s", joined).isZero();
        assertThat(joined.stdout()).contains(s.handle.state().data().get("cgroup"));
    }

    @Test
    void theEnvironmentNamesTheParentOfTheTasksCgroup() {
        TaskConfig task =
                task(Map.of("command", "sleep", "args", List.of("600")), Map.of(), Resources.DEFAULT_MEMORY_MB, null);
        String parent = driver.prestart(task, EventEmitter.NONE).envOverrides().get("NOMAD_PARENT_CGROUP");

        Started s = start(Map.of("command", "sleep", "args", List.of("600")), Map.of());

        assertThat(parent).isNotBlank();
        assertThat(s.handle.state().data().get("cgroup")).contains(parent + "/");
    }

    @Test
    void execTimesOutAndCapsItsOutput() {
        Started s = start(Map.of("command", "sleep", "args", List.of("600")), Map.of());
        ExecResult slow = s.handle.exec(ExecRequest.of(List.of("sleep", "30"), Duration.ofMillis(300)));
        assertThat(slow.timedOut()).isTrue();
        ExecResult big = s.handle.exec(
                new ExecRequest(List.of("head", "-c", "100000", "/dev/zero"), Duration.ofSeconds(10), 1000));
        assertThat(big.truncated()).isTrue();
        assertThat(big.stdout()).hasSize(1000);
    }

    @Test
    void stopKillsEveryProcessOfTheCgroupEvenEscapedOnes() throws Exception {
        Started s = start(
                Map.of(
                        "command",
                        "/bin/sh",
                        "pid_mode",
                        "host",
                        "args",
                        List.of("-c", "(setsid sleep 600 &); (setsid sh -c 'trap \"\" TERM; sleep 600' &); sleep 600")),
                Map.of());
        Path procs = cgroupDir("pids", s.handle).resolve("cgroup.procs");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(procs).lines().count() >= 4);
        s.handle.stop(Duration.ofMillis(500), "SIGTERM").get(20, TimeUnit.SECONDS);
        assertThat(Files.exists(procs) ? Files.readString(procs) : "").isBlank();
    }

    @Test
    void badOptionsAreReportedByField() {
        TaskConfig task = task(
                Map.of("command", "", "pid_mode", "shared", "ipc_mode", 3L, "pids_limit", -1L, "mystery", true),
                Map.of(),
                Resources.DEFAULT_MEMORY_MB,
                "no-such-user-here");
        assertThat(driver.validate(task))
                .extracting(ValidationProblem::field)
                .contains("config.command", "config.pid_mode", "config.ipc_mode", "config.pids_limit", "config.mystery")
                .as("a user this host lacks is the node's problem")
                .doesNotContain("user");
        assertThat(driver.nodeProblems(task))
                .containsExactly(new ValidationProblem("user", "user 'no-such-user-here' does not exist on this host"));
        TaskConfig root = task(Map.of("command", "true"), Map.of(), Resources.DEFAULT_MEMORY_MB, "root");
        assertThatThrownBy(() -> driver.prestart(root, EventEmitter.NONE))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("user")
                .hasMessageContaining("allow_root");
        assertThatThrownBy(() -> IsolatedExecOptions.read(Map.of(
                        "chroot_env",
                        Map.of("usr", "/usr", "/lib", "/proc"),
                        "cgroup_parent",
                        "../x",
                        "allow_root",
                        "yes")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("chroot_env.usr")
                .hasMessageContaining("chroot_env./lib")
                .hasMessageContaining("cgroup_parent")
                .hasMessageContaining("allow_root");
    }

    // ---- helpers ----

    private static Map<String, Object> sh(String script) {
        return Map.of("command", "/bin/sh", "args", List.of("-c", script));
    }

    private Started start(Map<String, Object> config, Map<String, String> env) {
        return start(config, env, Resources.DEFAULT_MEMORY_MB);
    }

    private Started start(Map<String, Object> config, Map<String, String> env, int memoryMb) {
        return start(config, env, new Resources(Resources.DEFAULT_CPU_MHZ, memoryMb, List.of()));
    }

    private Started start(Map<String, Object> config, Map<String, String> env, Resources resources) {
        TaskConfig task = task(config, env, resources, null);
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(task.id())
                .taskEnv(task.env())
                .dirs(task.dirs())
                .resources(task.resources())
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, events::add);
        Started s = new Started(ready, result.handle(), prestart.created().merge(result.created()));
        started.add(s);
        return s;
    }

    private TaskConfig task(Map<String, Object> config, Map<String, String> env, int memoryMb, String user) {
        return task(config, env, new Resources(Resources.DEFAULT_CPU_MHZ, memoryMb, List.of()), user);
    }

    private TaskConfig task(Map<String, Object> config, Map<String, String> env, Resources resources, String user) {
        TaskId id = new TaskId("iso" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            Files.createDirectories(dirs.allocDir());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id)
                        .dirs(dirs)
                        .resources(resources)
                        .taskEnv(env)
                        .build(),
                resources,
                dirs,
                user,
                null,
                null);
    }

    private static ExitResult exit(Started s) throws Exception {
        return s.handle.exitFuture().get(30, TimeUnit.SECONDS);
    }

    private static String stdout(Started s) throws java.io.IOException {
        Path log = s.task.dirs().logsDir().resolve(s.task.id().taskName() + ".stdout.0");
        Path plain = s.task.dirs().logsDir().resolve(s.task.id().taskName() + ".stdout");
        return Files.exists(log) ? Files.readString(log) : Files.exists(plain) ? Files.readString(plain) : "";
    }

    /** Waits until a process of the task is in {@code cgroup}: the task joins it after start returns. */
    private static void awaitJoined(Path cgroup) {
        Path procs = cgroup.resolve("cgroup.procs");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(procs) && !Files.readString(procs).isBlank());
    }

    private static Path cgroupDir(String controller, TaskHandle handle) {
        return CGROUPS.resolve(controller).resolve(handle.state().data().get("cgroup"));
    }

    private record Started(TaskConfig task, TaskHandle handle, CreatedResources created) {}
}
