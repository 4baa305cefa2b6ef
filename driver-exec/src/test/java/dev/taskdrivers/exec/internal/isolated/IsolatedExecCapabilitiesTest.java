package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capabilities, {@code no_new_privs} and {@code work_dir} of exec tasks, read from the host's {@code /proc} of the
 * task's program and of commands executed in it.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolatedExecCapabilitiesTest {
    /** Nomad's default set for exec: bits 0 1 3 4 5 6 7 8 10 18 27 29 31. */
    private static final String DEFAULT_SET = "00000000a80405fb";
    /** The default set without chown (0), with net_raw (13). */
    private static final String CHOWN_DROPPED_NET_RAW_ADDED = "00000000a80425fa";

    @TempDir
    Path tempDir;

    private final List<Started> started = new ArrayList<>();
    private final List<Driver> drivers = new ArrayList<>();

    @BeforeAll
    void requireHost() {
        IsolationHost.require();
    }

    /** Options every driver of this test gets: the defaults, under which a fork server sets tasks up. */
    Map<String, Object> baseOptions() {
        return Map.of();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Started s : started) {
            s.handle.stop(Duration.ZERO, "SIGKILL").get(30, TimeUnit.SECONDS);
            s.handle.close();
            s.driver.cleanup(s.task, s.created);
        }
        started.clear();
        drivers.forEach(Driver::close);
        drivers.clear();
    }

    @Test
    void aTaskKeepsNomadsDefaultSetInItsBoundingSetAndCannotGainPrivileges() throws Exception {
        Started s = start(driver(Map.of()), Map.of("command", "sleep", "args", List.of("600")), null);
        Map<String, String> status = statusOf(programOf(s, "sleep"));
        assertThat(status.get("CapBnd")).isEqualTo(DEFAULT_SET);
        assertThat(status.get("CapEff")).as("nobody has no capability").isEqualTo("0000000000000000");
        assertThat(status.get("NoNewPrivs")).isEqualTo("1");
    }

    /**
     * Whether the task's init runs as the task does (its user, bounding set and {@code no_new_privs}, in its chroot):
     * so through the fork server, whose child takes those steps itself; a shell supervisor's tini runs as root
     * outside the chroot, the task entry after it.
     */
    boolean initRunsAsTheTask() {
        return true;
    }

    @Test
    void theProgramRunsRightBelowItsInitAndTheInitIsConfinedAsTheTaskIs() throws Exception {
        Started s = start(driver(Map.of()), Map.of("command", "sleep", "args", List.of("600")), null);
        long program = programOf(s, "sleep");
        long init = Long.parseLong(statusOf(program).get("PPid"));
        assertThat(read(Path.of("/proc", Long.toString(init), "comm")))
                .as("the program's parent")
                .startsWith("tini");
        Map<String, String> status = statusOf(init);
        Path initRoot = Files.readSymbolicLink(Path.of("/proc", Long.toString(init), "root"));
        if (initRunsAsTheTask()) {
            assertThat(status.get("Uid")).startsWith("65534\t");
            assertThat(status.get("CapBnd")).isEqualTo(DEFAULT_SET);
            assertThat(status.get("CapEff")).isEqualTo("0000000000000000");
            assertThat(status.get("NoNewPrivs")).isEqualTo("1");
            assertThat(initRoot).as("the init's root").isNotEqualTo(Path.of("/"));
        } else {
            assertThat(status.get("Uid")).startsWith("0\t");
            assertThat(initRoot).isEqualTo(Path.of("/"));
        }
    }

    @Test
    void aRootTaskHasExactlyTheSetItAskedForAndLosesWhatItDropped() throws Exception {
        Driver driver = driver(Map.of(
                "allow_root",
                true,
                "allow_caps",
                List.of(
                        "audit_write",
                        "chown",
                        "dac_override",
                        "fowner",
                        "fsetid",
                        "kill",
                        "mknod",
                        "net_bind_service",
                        "setfcap",
                        "setgid",
                        "setpcap",
                        "setuid",
                        "sys_chroot",
                        "net_raw")));
        Started s = start(
                driver,
                Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of(
                                "-c",
                                "touch /tmp/f; chown 1 /tmp/f && echo chown-ok || echo chown-denied; exec sleep 600"),
                        "cap_add",
                        List.of("CAP_NET_RAW"),
                        "cap_drop",
                        List.of("chown")),
                "root");
        Map<String, String> status = statusOf(programOf(s, "sleep"));
        assertThat(status.get("Uid")).startsWith("0\t");
        assertThat(status.get("CapBnd")).isEqualTo(CHOWN_DROPPED_NET_RAW_ADDED);
        assertThat(status.get("CapEff")).isEqualTo(CHOWN_DROPPED_NET_RAW_ADDED);
        assertThat(status.get("CapPrm")).isEqualTo(CHOWN_DROPPED_NET_RAW_ADDED);
        assertThat(status.get("NoNewPrivs")).isEqualTo("1");
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout(s).contains("chown-"));
        assertThat(stdout(s)).contains("chown-denied");
    }

    @Test
    void droppingAllLeavesAnEmptyBoundingSet() throws Exception {
        Started s = start(
                driver(Map.of()), Map.of("command", "sleep", "args", List.of("600"), "cap_drop", List.of("all")), null);
        assertThat(statusOf(programOf(s, "sleep")).get("CapBnd")).isEqualTo("0000000000000000");
    }

    @Test
    void theTaskAndItsExecsRunInItsWorkDirWithItsCapabilities() throws Exception {
        Started s = start(
                driver(Map.of()),
                Map.of(
                        "command",
                        "/bin/sh",
                        "args",
                        List.of("-c", "pwd; echo here > in-work-dir; exec sleep 600"),
                        "work_dir",
                        "/local",
                        "cap_drop",
                        List.of("kill")),
                null);
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout(s).contains("/local"));
        assertThat(stdout(s)).isEqualTo("/local\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.exists(s.task.dirs().localDir().resolve("in-work-dir")));
        ExecResult exec = s.handle.exec(ExecRequest.of(
                List.of("/bin/sh", "-c", "pwd; grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status"),
                Duration.ofSeconds(10)));
        assertThat(exec.exitCode()).as("exec %s", exec).isZero();
        assertThat(exec.stdout())
                .contains("/local\n")
                .contains("CapBnd:\t00000000a80405db") // the default set without kill (5)
                .contains("NoNewPrivs:\t1");
    }

    @Test
    void aWorkDirWithATrailingSlashIsWhereTheTaskAndItsExecsStart() throws Exception {
        Started s = start(
                driver(Map.of()),
                Map.of("command", "/bin/sh", "args", List.of("-c", "pwd; exec sleep 600"), "work_dir", "/local/"),
                null);
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout(s).contains("\n"));
        assertThat(stdout(s)).isEqualTo("/local\n");
        ExecResult exec = s.handle.exec(ExecRequest.of(List.of("/bin/pwd"), Duration.ofSeconds(10)));
        assertThat(exec.stdout()).isEqualTo("/local\n");
    }

    @Test
    void aWorkDirMissingInTheChrootFailsTheTaskSayingSo() throws Exception {
        Started s = start(driver(Map.of()), Map.of("command", "true", "work_dir", "/no/such/dir"), null);
        assertThat(s.handle.exitFuture().get(30, TimeUnit.SECONDS).exitCode()).isEqualTo(125);
        assertThat(stderr(s)).contains("cannot enter the working directory /no/such/dir");
    }

    @Test
    void theEntrySaysNothingOfALocaleTheHostLacksAndLeavesTheEnvironmentAsTheTaskSetIt() throws Exception {
        Started s = start(
                driver(Map.of()),
                Map.of("command", "sleep", "args", List.of("600")),
                null,
                Map.of("LC_ALL", "xx_YY.UTF-8"));
        long pid = programOf(s, "sleep");
        List<String> environ =
                List.of(Files.readString(Path.of("/proc", pid + "", "environ")).split("\0"));
        assertThat(environ).contains("LC_ALL=xx_YY.UTF-8").noneMatch(e -> e.contains("PERL_BADLANG"));
        ExecResult exec = s.handle.exec(ExecRequest.of(List.of("/usr/bin/env"), Duration.ofSeconds(10)));
        assertThat(exec.stdout()).contains("LC_ALL=xx_YY.UTF-8").doesNotContain("PERL_BADLANG");
        assertThat(exec.stderr()).doesNotContain("locale");
        assertThat(stderr(s)).doesNotContain("locale");
    }

    // ---- helpers ----

    private Driver driver(Map<String, Object> options) {
        Map<String, Object> all = new LinkedHashMap<>(baseOptions());
        all.putAll(options);
        Driver driver = new IsolatedExecDriverFactory()
                .create(new DriverContext(all, tempDir.resolve("data" + drivers.size())));
        drivers.add(driver);
        return driver;
    }

    /** The host pid of the task's process running {@code comm}, once it runs. */
    private static long programOf(Started s, String comm) {
        Path procs = Path.of("/sys/fs/cgroup/pids", s.handle.state().data().get("cgroup"), "cgroup.procs");
        return await().atMost(Duration.ofSeconds(10))
                .until(() -> findIn(procs, comm), Optional::isPresent)
                .orElseThrow();
    }

    private static Optional<Long> findIn(Path procs, String comm) throws IOException {
        if (!Files.exists(procs)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(procs)) {
            return lines.map(Long::parseLong)
                    .filter(pid -> comm.equals(read(Path.of("/proc", Long.toString(pid), "comm"))))
                    .findFirst();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<String, String> statusOf(long pid) throws IOException {
        Map<String, String> status = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\w+):\\s*(.*)$")
                .matcher(Files.readString(Path.of("/proc", pid + "", "status")));
        while (m.find()) {
            status.put(m.group(1), m.group(2));
        }
        return status;
    }

    private Started start(Driver driver, Map<String, Object> config, String user) {
        return start(driver, config, user, Map.of());
    }

    private Started start(Driver driver, Map<String, Object> config, String user, Map<String, String> env) {
        TaskId id = new TaskId("cap" + UUID.randomUUID().toString().substring(0, 8), "job", "group", 0, "web");
        TaskDirs dirs = TaskDirs.standard(tempDir.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            Files.createDirectories(dirs.allocDir());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Resources resources = Resources.defaults();
        TaskConfig task = new TaskConfig(
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
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(task.id())
                .taskEnv(env)
                .dirs(task.dirs())
                .resources(task.resources())
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, EventEmitter.NONE);
        Started s =
                new Started(driver, ready, result.handle(), prestart.created().merge(result.created()));
        started.add(s);
        return s;
    }

    private static String stdout(Started s) throws IOException {
        return log(s, "stdout");
    }

    private static String stderr(Started s) throws IOException {
        return log(s, "stderr");
    }

    private static String log(Started s, String stream) throws IOException {
        Path log = s.task.dirs().logsDir().resolve(s.task.id().taskName() + "." + stream + ".0");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private record Started(Driver driver, TaskConfig task, TaskHandle handle, CreatedResources created) {}
}
