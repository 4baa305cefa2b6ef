package dev.taskdrivers.exec.internal.isolated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.CreatedResources;
import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.EventEmitter;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.api.PrestartResult;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.TaskEnvironment;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.TaskStats;
import dev.taskdrivers.exec.isolated.IsolatedExecDriverFactory;
import dev.taskdrivers.exec.raw.RawExecDriverFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs inside the QEMU guest of {@link CgroupV2GuestTest}, whose only cgroup hierarchy is cgroup2 at
 * {@code /sys/fs/cgroup}: starts tasks through the exec driver and prints one line per check, {@code CGROUP2-CHECK
 * <name> ok <detail>} or {@code CGROUP2-CHECK <name> FAILED <why>}, then {@code CGROUP2-CHECK done}.
 */
public final class CgroupV2GuestChecks {
    static final String PREFIX = "CGROUP2-CHECK ";
    static final String DONE = PREFIX + "done";
    /** Every check, in the order they run. */
    static final List<String> CHECKS = List.of(
            "fingerprint",
            "memory_max_and_low",
            "cpu_weight",
            "cores_cpuset",
            "cores_outside_parent_refused",
            "stats",
            "cgroup_kill_on_stop",
            "oom_kill",
            "pids_max_holds_fork_bomb",
            "raw_exec_cgroup",
            "nothing_left");

    private static final Path UNIFIED = Path.of("/sys/fs/cgroup");
    private static final String PARENT = "taskdrivers";
    private static final long MIB = 1024L * 1024L;
    /** TCG runs everything several times slower than the host. */
    private static final Duration SLOW = Duration.ofSeconds(120);

    private final PrintStream out;
    private final Path work;
    private final Driver driver;

    private CgroupV2GuestChecks(PrintStream out, Path work) {
        this.out = out;
        this.work = work;
        this.driver = new IsolatedExecDriverFactory().create(new DriverContext(Map.of(), work.resolve("data")));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        CgroupV2GuestChecks checks = new CgroupV2GuestChecks(out, Path.of(args.length > 0 ? args[0] : "/tmp/checks"));
        try {
            checks.check("fingerprint", checks::fingerprint);
            checks.check("memory_max_and_low", checks::memoryMaxAndLow);
            checks.check("cpu_weight", checks::cpuWeight);
            checks.check("cores_cpuset", checks::coresCpuset);
            checks.check("cores_outside_parent_refused", checks::coresOutsideParentRefused);
            checks.check("stats", checks::stats);
            checks.check("cgroup_kill_on_stop", checks::cgroupKillOnStop);
            checks.check("oom_kill", checks::oomKill);
            checks.check("pids_max_holds_fork_bomb", checks::pidsMaxHoldsForkBomb);
            checks.driver.close();
            checks.check("raw_exec_cgroup", checks::rawExecCgroup);
            checks.check("nothing_left", checks::nothingLeft);
        } finally {
            out.println(DONE);
        }
        System.exit(0);
    }

    private void check(String name, Check check) {
        long started = System.nanoTime();
        try {
            String detail = check.run();
            out.println(PREFIX + name + " ok " + detail + " ("
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms)");
        } catch (Throwable e) {
            out.println(PREFIX + name + " FAILED " + e.toString().replace('\n', ' '));
            e.printStackTrace(out);
        }
    }

    private String fingerprint() {
        Fingerprint fingerprint = driver.fingerprint();
        assertThat(fingerprint.isHealthy()).as("%s", fingerprint).isTrue();
        assertThat(fingerprint.attributes()).containsEntry("driver.exec.cgroup_version", "2");
        return fingerprint.description();
    }

    /** With a memory maximum, that is memory.max and the task's memory is memory.low (Nomad's oversubscription). */
    private String memoryMaxAndLow() throws Exception {
        Resources resources = new Resources(500, 64, List.of()).withMemoryMaxMb(128);
        Started s = start(Map.of("command", "/bin/sleep", "args", List.of("600")), resources);
        try {
            Path cgroup = awaitJoined(s);
            assertThat(read(cgroup, "memory.max")).isEqualTo(String.valueOf(128 * MIB));
            assertThat(read(cgroup, "memory.low")).isEqualTo(String.valueOf(64 * MIB));
            assertThat(read(cgroup, "memory.oom.group")).isEqualTo("1");
            // absent when the kernel has no swap accounting
            boolean swapLimit = Files.exists(cgroup.resolve("memory.swap.max"));
            if (swapLimit) {
                assertThat(read(cgroup, "memory.swap.max")).isEqualTo("0");
            }
            String pid = read(cgroup, "cgroup.procs").lines().findFirst().orElseThrow();
            assertThat(Files.readString(Path.of("/proc", pid, "cgroup")))
                    .as("the task's process is in its cgroup and nowhere else")
                    .isEqualTo("0::/" + s.cgroupPath() + "\n");
            return "memory.max=" + read(cgroup, "memory.max") + " memory.low=" + read(cgroup, "memory.low")
                    + (swapLimit ? " memory.swap.max=0" : " (no memory.swap.max)");
        } finally {
            stopAndCleanUp(s);
        }
    }

    /** 500 MHz is 500 v1 shares, mapped onto cpu.weight as 1 + (500 - 2) * 9999 / (262144 - 2) = 19. */
    private String cpuWeight() throws Exception {
        Started s = start(Map.of("command", "/bin/sleep", "args", List.of("600")), new Resources(500, 64, List.of()));
        try {
            Path cgroup = awaitJoined(s);
            assertThat(read(cgroup, "cpu.weight")).isEqualTo("19");
            assertThat(read(UNIFIED.resolve(PARENT), "cgroup.subtree_control").split(" "))
                    .as("controllers the driver enabled for the task cgroups")
                    .contains("memory", "cpu", "pids");
            return "cpu.weight=19 for 500 MHz";
        } finally {
            stopAndCleanUp(s);
        }
    }

    /**
     * Two tasks reserving core 0 and core 1 at once: each task's cgroup has its core as cpuset.cpus and
     * cpuset.cpus.effective, and every process in it may run on that core alone (Cpus_allowed_list), while the
     * checks' own JVM keeps both.
     */
    private String coresCpuset() throws Exception {
        assertThat(Files.readString(Path.of("/proc/self/status")))
                .as("the guest has two cpus for two tasks")
                .contains("Cpus_allowed_list:\t0-1\n");
        Resources base = new Resources(100, 64, List.of());
        Started first =
                start(Map.of("command", "/bin/sleep", "args", List.of("600")), base.withReservedCores(List.of(0)));
        Started second = null;
        try {
            second = start(Map.of("command", "/bin/sleep", "args", List.of("600")), base.withReservedCores(List.of(1)));
            String firstCpus = cpusOfEveryProcess(first, "0");
            String secondCpus = cpusOfEveryProcess(second, "1");
            assertThat(read(UNIFIED, "cgroup.subtree_control").split(" "))
                    .as("the driver enabled cpuset for the root's children")
                    .contains("cpuset");
            assertThat(read(UNIFIED.resolve(PARENT), "cgroup.subtree_control").split(" "))
                    .as("and for its parent cgroup's")
                    .contains("cpuset", "memory", "cpu", "pids");
            return "core 0: " + firstCpus + "; core 1: " + secondCpus;
        } finally {
            stopAndCleanUp(first);
            if (second != null) {
                stopAndCleanUp(second);
            }
        }
    }

    /** The task's cgroup's cpuset files and each of its processes' Cpus_allowed_list hold exactly {@code cpus}. */
    private static String cpusOfEveryProcess(Started s, String cpus) throws IOException {
        Path cgroup = awaitJoined(s);
        assertThat(read(cgroup, "cpuset.cpus")).as("cpuset.cpus of %s", cgroup).isEqualTo(cpus);
        assertThat(read(cgroup, "cpuset.cpus.effective"))
                .as("cpuset.cpus.effective of %s", cgroup)
                .isEqualTo(cpus);
        List<String> pids = read(cgroup, "cgroup.procs").lines().toList();
        for (String pid : pids) {
            assertThat(Files.readAllLines(Path.of("/proc", pid, "status")))
                    .as("/proc/%s/status of a process in %s", pid, cgroup)
                    .contains("Cpus_allowed_list:\t" + cpus);
        }
        return "cpuset.cpus=" + cpus + " cpuset.cpus.effective=" + cpus + ", Cpus_allowed_list " + cpus + " of pids "
                + pids;
    }

    /**
     * Core 7 of a two-cpu guest: v2 would silently run the task on all of its parent's cores, so the start fails
     * naming resources.cores, leaving no cgroup behind.
     */
    private String coresOutsideParentRefused() throws Exception {
        List<Path> before = taskCgroups();
        TaskId id = new TaskId("cg2" + Long.toHexString(System.nanoTime()), "job", "group", 0, "web");
        TaskConfig task = taskConfig(id, new Resources(100, 64, List.of()).withReservedCores(List.of(7)));
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        try {
            Throwable refused = catchThrowable(() -> driver.start(task, EventEmitter.NONE));
            assertThat(refused)
                    .isInstanceOf(DriverException.class)
                    .hasMessageContaining("resources.cores")
                    .hasMessageContaining("cores 7 are not all among the cores 0-1");
            assertThat(taskCgroups()).as("task cgroups").isEqualTo(before);
            return refused.getMessage();
        } finally {
            driver.cleanup(task, prestart.created());
        }
    }

    private static List<Path> taskCgroups() throws IOException {
        try (Stream<Path> children = Files.list(UNIFIED.resolve(PARENT))) {
            return children.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The task's resident memory from memory.stat's anon, its cpu time from cpu.stat's usage_usec. */
    private String stats() throws Exception {
        Started s = start(
                Map.of("command", "/usr/bin/perl", "args", List.of("-e", "$x = 'x' x (24 * 1024 * 1024); 1 while 1")),
                new Resources(100, 64, List.of()));
        try {
            awaitJoined(s);
            await().atMost(SLOW).until(() -> s.handle().stats().memoryRssBytes() >= 24 * MIB);
            TaskStats first = s.handle().stats();
            await().atMost(SLOW).until(() -> s.handle().stats().cpuTotalNanos() > first.cpuTotalNanos());
            TaskStats last = s.handle().stats();
            return "rss " + last.memoryRssBytes() / MIB + " MiB holding a 24 MiB string, cpu "
                    + TimeUnit.NANOSECONDS.toMillis(last.cpuTotalNanos()) + " ms and growing";
        } finally {
            stopAndCleanUp(s);
        }
    }

    /**
     * A process in a child cgroup of the task, started outside the task's namespaces, is never listed in the
     * task's cgroup.procs nor killed with the task's pid namespace: only the kernel's recursive cgroup.kill reaches
     * it. The task itself runs in the host's pid namespace with a child in a session of its own, so that stopping it
     * has processes to kill in its cgroup after its process group is killed.
     */
    private String cgroupKillOnStop() throws Exception {
        Started s = start(
                Map.of(
                        "command",
                        "/bin/sh",
                        "pid_mode",
                        "host",
                        "args",
                        List.of("-c", "setsid /bin/sleep 600 & /bin/sleep 600 & wait")),
                new Resources(100, 64, List.of()));
        Process outsider = null;
        Path probe = null;
        try {
            Path cgroup = awaitJoined(s);
            await().atMost(SLOW)
                    .until(() -> read(cgroup, "cgroup.procs").lines().count() >= 3);
            probe = cgroup.resolve("probe");
            Files.createDirectory(probe);
            outsider = new ProcessBuilder("/bin/sleep", "600").start();
            Files.writeString(probe.resolve("cgroup.procs"), Long.toString(outsider.pid()));

            s.handle().stop(Duration.ZERO, "SIGKILL").get(SLOW.toSeconds(), TimeUnit.SECONDS);

            assertThat(outsider.waitFor(30, TimeUnit.SECONDS))
                    .as("the process in the task's child cgroup is killed")
                    .isTrue();
            assertThat(read(cgroup, "cgroup.events")).contains("populated 0");
            return "a process in the task's child cgroup was killed with the task";
        } finally {
            if (outsider != null) {
                outsider.destroyForcibly().waitFor();
            }
            if (probe != null) {
                Files.deleteIfExists(probe);
            }
            stopAndCleanUp(s);
        }
    }

    private String oomKill() throws Exception {
        Started s = start(
                Map.of("command", "/usr/bin/perl", "args", List.of("-e", "$x = 'x' x (256 * 1024 * 1024); sleep 600")),
                new Resources(100, 32, List.of()));
        try {
            ExitResult result = s.handle().exitFuture().get(SLOW.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.oomKilled()).as("result %s", result).isTrue();
            assertThat(result.successful()).isFalse();
            String events = read(UNIFIED.resolve(s.cgroupPath()), "memory.events");
            assertThat(events).doesNotContain("oom_kill 0");
            return result + "; memory.events: " + events.replace('\n', ' ');
        } finally {
            stopAndCleanUp(s);
        }
    }

    private String pidsMaxHoldsForkBomb() throws Exception {
        Started s = start(
                Map.of("command", "/bin/sh", "pids_limit", 40L, "args", List.of("-c", "b() { b & b & wait; }; b")),
                new Resources(100, 64, List.of()));
        try {
            Path cgroup = awaitJoined(s);
            assertThat(read(cgroup, "pids.max")).isEqualTo("40");
            // the kernel counts every fork refused at the limit
            await().atMost(SLOW).until(() -> !read(cgroup, "pids.events").contains("max 0"));
            assertThat(Long.parseLong(read(cgroup, "pids.current"))).isLessThanOrEqualTo(40);
            if (Files.exists(cgroup.resolve("pids.peak"))) {
                assertThat(Long.parseLong(read(cgroup, "pids.peak"))).isLessThanOrEqualTo(40);
            }
            String events = read(cgroup, "pids.events");
            long stopping = System.nanoTime();
            s.handle().stop(Duration.ZERO, "SIGKILL").get(SLOW.toSeconds(), TimeUnit.SECONDS);
            assertThat(read(cgroup, "cgroup.procs")).isEmpty();
            return "pids.max=40, pids.events " + events + ", emptied in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping) + " ms";
        } finally {
            stopAndCleanUp(s);
        }
    }

    /** A raw_exec task's own cgroup in the unified hierarchy, with its memory limits as exec writes them. */
    private String rawExecCgroup() throws Exception {
        Resources resources = new Resources(500, 64, List.of()).withMemoryMaxMb(128);
        TaskId id = new TaskId("cg2raw" + Long.toHexString(System.nanoTime()), "job", "group", 0, "raw");
        TaskConfig task = taskConfig(id, Map.of("command", "/bin/sleep", "args", List.of("600")), resources);
        try (Driver raw = new RawExecDriverFactory().create(new DriverContext(Map.of(), work.resolve("raw-data")))) {
            assertThat(raw.fingerprint().attributes())
                    .containsEntry("driver.raw_exec.cgroup", "true")
                    .containsEntry("driver.raw_exec.cgroup_version", "2");
            raw.prestart(task, EventEmitter.NONE);
            StartResult result = raw.start(task, EventEmitter.NONE);
            String path = result.handle().state().data().get("cgroup");
            assertThat(path).as("the handle state's cgroup").startsWith(PARENT + "/");
            Path cgroup = UNIFIED.resolve(path);
            await().atMost(SLOW).until(() -> !read(cgroup, "cgroup.procs").isEmpty());
            assertThat(read(cgroup, "memory.max")).isEqualTo(String.valueOf(128 * MIB));
            assertThat(read(cgroup, "memory.low")).isEqualTo(String.valueOf(64 * MIB));
            String pid = result.handle().state().data().get("pid");
            assertThat(Files.readString(Path.of("/proc", pid, "cgroup"))).isEqualTo("0::/" + path + "\n");
            result.handle().stop(Duration.ZERO, "SIGKILL").get(SLOW.toSeconds(), TimeUnit.SECONDS);
            result.handle().close();
            raw.cleanup(task, result.created());
            assertThat(cgroup).as("cgroup removed").doesNotExist();
            return "memory.max=" + (128 * MIB) + " memory.low=" + (64 * MIB) + " in " + path;
        }
    }

    private String nothingLeft() throws IOException {
        try (Stream<Path> children = Files.list(UNIFIED.resolve(PARENT))) {
            assertThat(children.filter(Files::isDirectory))
                    .as("task cgroups left")
                    .isEmpty();
        }
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(work.toString());
        return "no task cgroup under /sys/fs/cgroup/" + PARENT + ", nothing mounted under " + work;
    }

    private Started start(Map<String, Object> config, Resources resources) {
        TaskId id = new TaskId("cg2" + Long.toHexString(System.nanoTime()), "job", "group", 0, "web");
        TaskConfig task = taskConfig(id, config, resources);
        TaskDirs dirs = task.dirs();
        PrestartResult prestart = driver.prestart(task, EventEmitter.NONE);
        TaskConfig ready = task.withEnv(TaskEnvironment.builder(id)
                .dirs(dirs)
                .resources(resources)
                .overrides(prestart.envOverrides())
                .build());
        StartResult result = driver.start(ready, EventEmitter.NONE);
        return new Started(ready, result.handle(), prestart.created().merge(result.created()));
    }

    private TaskConfig taskConfig(TaskId id, Resources resources) {
        return taskConfig(id, Map.of("command", "/bin/sleep", "args", List.of("600")), resources);
    }

    private TaskConfig taskConfig(TaskId id, Map<String, Object> config, Resources resources) {
        TaskDirs dirs = TaskDirs.standard(work.resolve("allocs").resolve(id.allocId()), id.taskName());
        try {
            Files.createDirectories(dirs.allocDir());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new TaskConfig(
                id,
                config,
                TaskEnvironment.builder(id).dirs(dirs).resources(resources).build(),
                resources,
                dirs,
                null,
                Duration.ofSeconds(5),
                "SIGTERM");
    }

    private void stopAndCleanUp(Started s) throws Exception {
        s.handle().stop(Duration.ZERO, "SIGKILL").get(SLOW.toSeconds(), TimeUnit.SECONDS);
        s.handle().close();
        driver.cleanup(s.task(), s.created());
        assertThat(UNIFIED.resolve(s.cgroupPath())).as("cgroup removed").doesNotExist();
    }

    /** Waits until the task's own set-up has created and joined its cgroup, which it does after start returns. */
    private static Path awaitJoined(Started s) {
        Path cgroup = UNIFIED.resolve(s.cgroupPath());
        await().atMost(SLOW).until(() -> !read(cgroup, "cgroup.procs").isEmpty());
        return cgroup;
    }

    private static String read(Path cgroup, String file) throws IOException {
        Path path = cgroup.resolve(file);
        return Files.exists(path) ? Files.readString(path).trim() : "";
    }

    @FunctionalInterface
    private interface Check {
        String run() throws Exception;
    }

    private record Started(TaskConfig task, TaskHandle handle, CreatedResources created) {
        String cgroupPath() {
            return handle.state().data().get("cgroup");
        }
    }
}
