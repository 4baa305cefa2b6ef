package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Launches the fork server isolates itself, against the real kernel: the task's own pid, mount and uts namespaces,
 * mounts that stay inside them, the server back in its own pid namespace for the next task, set-up errors.
 */
@Tag("real")
class ForkServerIsolationTest {
    private static final Duration TIMEOUT = LaunchedTasks.TIMEOUT;

    @TempDir
    Path dir;

    private ForkServerLauncher launcher;
    private LaunchedTasks tasks;

    @BeforeEach
    void createLauncher() throws IOException {
        Optional<Path> perl = ForkServerLauncher.findPerl();
        RealEnvironment.require(
                perl.isPresent() && LinuxSyscalls.forThisMachine().isPresent() && isRoot(),
                "root, perl (perl-base) and a known architecture");
        launcher = new ForkServerLauncher(perl.orElseThrow(), dir.resolve("bin"), dir);
        tasks = new LaunchedTasks(dir, launcher);
    }

    @AfterEach
    void killWhatIsLeft() {
        if (tasks != null) {
            tasks.killAndAwaitEnd();
        }
        assertThat(mountsOfThisTest()).as("mounts left in the host's namespace").isEmpty();
    }

    @Test
    void theTaskIsPidOneOfItsOwnNamespaceWithItsOwnHostnameAndMountsTheHostNeverSees() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("root-tmp"));
        SupervisedTask task = launch(spec(List.of(
                        "/bin/sh",
                        "-c",
                        "echo pid=$$; echo host=$(cat /proc/sys/kernel/hostname); grep -c ' " + tmp
                                + " ' /proc/self/mountinfo"))
                .isolatedBy(isolation(
                        true,
                        List.of(
                                SetupStep.privatePropagation(),
                                SetupStep.filesystem("tmpfs", tmp.toString(), SetupStep.MS_NOSUID, "mode=0755")))));

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        assertThat(Files.readAllLines(out(task))).containsExactly("pid=1", "host=iso-test", "1");
        assertThat(mountsOfThisTest())
                .as("the tmpfs stayed in the task's mount namespace")
                .isEmpty();
    }

    @Test
    void theServerForksThePlainTaskAfterAnIsolatedOneInItsOwnPidNamespace() throws Exception {
        SupervisedTask isolated = launch(spec(List.of("/bin/sleep", "600")).isolatedBy(isolation(true, List.of())));
        SupervisedTask plain = launch(spec(List.of("/bin/sleep", "600")));

        await().atMost(TIMEOUT)
                .until(() -> program(plain).equals("sleep") && program(isolated).equals("sleep"));
        assertThat(pidNamespace(plain.task().pid()))
                .isEqualTo(pidNamespace((int) ProcessHandle.current().pid()));
        assertThat(pidNamespace(isolated.task().pid()))
                .isNotEqualTo(pidNamespace(plain.task().pid()));
        assertThat(isolated.supervisor()).isEqualTo(plain.supervisor());
    }

    @Test
    void anInitsExitAbove128IsReportedAsTheSignalOfItsChild() throws Exception {
        SupervisedTask task = launch(spec(List.of("/bin/sh", "-c", "exit 143")).isolatedBy(isolation(true, List.of())));

        assertThat(awaitExit(task).signal()).isEqualTo(15);
    }

    @Test
    void aFailingMountFailsTheLaunchNamingItAndNothingOfTheTaskRemains() throws Exception {
        Path missing = dir.resolve("missing");
        LaunchSpec spec = spec(List.of("/bin/sleep", "600"))
                .isolatedBy(isolation(
                        true, List.of(SetupStep.privatePropagation(), SetupStep.bind("/etc", missing.toString()))));

        assertThatThrownBy(() -> launcher.launch(spec, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot mount /etc on " + missing)
                .hasMessageContaining("No such file");
        SupervisedTask next = launch(spec(List.of("/bin/true")));
        assertThat(awaitExit(next)).as("the server goes on").isEqualTo(ExitResult.exited(0));
        assertThat(childrenOf(next.supervisor().pid()))
                .as("children of the server")
                .isEmpty();
    }

    @Test
    void theTaskCreatesItsCgroupAfterTheAnswerAndRunsOnlyInsideIt() throws Exception {
        Path cgroup = Path.of(
                "/sys/fs/cgroup/pids/forkserver-test-" + ProcessHandle.current().pid());
        Isolation isolation = new Isolation(
                true,
                false,
                "iso-test",
                List.of(),
                List.of(),
                List.of(
                        SetupStep.directory(cgroup.toString(), 0755),
                        SetupStep.write(cgroup.resolve("pids.max").toString(), "7"),
                        SetupStep.writeIfPresent(cgroup.resolve("no-such-file").toString(), "1")),
                false,
                TIMEOUT);
        try {
            SupervisedTask task =
                    launch(spec(List.of("/bin/sh", "-c", "cat /proc/self/cgroup; cat " + cgroup.resolve("pids.max")))
                            .joiningCgroups(List.of(cgroup.resolve("cgroup.procs")))
                            .isolatedBy(isolation));

            assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
            assertThat(Files.readAllLines(out(task)))
                    .anyMatch(l -> l.matches("\\d+:pids:/" + cgroup.getFileName()))
                    .contains("7");
        } finally {
            await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
                Files.deleteIfExists(cgroup);
                return true;
            });
        }
    }

    @Test
    void aFailingStepAfterTheAnswerEndsTheTaskWithTheReason() throws Exception {
        Path missing = dir.resolve("missing/pids.max");
        Isolation isolation = new Isolation(
                true,
                false,
                "iso-test",
                List.of(),
                List.of(),
                List.of(SetupStep.write(missing.toString(), "7")),
                false,
                TIMEOUT);

        SupervisedTask task = launch(spec(List.of("/bin/true")).isolatedBy(isolation));

        ExitResult result = awaitExit(task);
        assertThat(result.error()).contains("cannot write '7' to " + missing);
    }

    @Test
    void everyTaskStartsFromTheTemplateTheServerBuiltOnceAndAChangedTemplateReplacesIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("template-root"));
        List<SetupStep> first = template(root, "first");
        SupervisedTask a =
                launch(spec(List.of("/bin/cat", root.resolve("marker/name").toString()))
                        .isolatedBy(new Isolation(true, true, "iso-test", first, List.of(), List.of(), true, TIMEOUT)));
        SupervisedTask b =
                launch(spec(List.of("/bin/cat", root.resolve("marker/name").toString()))
                        .isolatedBy(new Isolation(true, true, "iso-test", first, List.of(), List.of(), true, TIMEOUT)));
        SupervisedTask c = launch(spec(List.of(
                        "/bin/cat", root.resolve("marker/name").toString()))
                .isolatedBy(new Isolation(
                        true, true, "iso-test", template(root, "second"), List.of(), List.of(), true, TIMEOUT)));

        for (SupervisedTask task : List.of(a, b, c)) {
            assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        }
        assertThat(Files.readString(out(a))).isEqualTo("first");
        assertThat(Files.readString(out(b))).isEqualTo("first");
        assertThat(Files.readString(out(c))).isEqualTo("second");
        assertThat(root).as("the host's view of the template root").isEmptyDirectory();
    }

    @Test
    void aTemplateThatCannotBeBuiltFailsTheLaunchAndTheNextOneBuildsIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("template-root"));
        List<SetupStep> broken = List.of(
                SetupStep.filesystem("tmpfs", root.toString(), 0, ""),
                SetupStep.bind("/etc", root.resolve("missing").toString()));
        LaunchSpec failing = spec(List.of("/bin/true"))
                .isolatedBy(new Isolation(true, true, "iso-test", broken, List.of(), List.of(), true, TIMEOUT));

        assertThatThrownBy(() -> launcher.launch(failing, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot prepare the tasks' root")
                .hasMessageContaining("missing");
        SupervisedTask next =
                launch(spec(List.of("/bin/cat", root.resolve("marker/name").toString()))
                        .isolatedBy(new Isolation(
                                true, true, "iso-test", template(root, "built"), List.of(), List.of(), true, TIMEOUT)));
        assertThat(awaitExit(next)).isEqualTo(ExitResult.exited(0));
        assertThat(Files.readString(out(next))).isEqualTo("built");
    }

    @Test
    void aMountOnTheHostIsMadeBeforeTheTasksNamespacesAndStaysOnTheHost() throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        try {
            SupervisedTask task = launch(spec(List.of("/bin/true"))
                    .isolatedBy(isolation(
                            true,
                            List.of(
                                    SetupStep.privatePropagation(),
                                    SetupStep.filesystemOnHost(
                                            "tmpfs",
                                            secrets.toString(),
                                            SetupStep.MS_NOEXEC | SetupStep.MS_NOSUID | SetupStep.MS_NODEV,
                                            "size=1m,mode=0700")))));

            assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
            assertThat(mountsOfThisTest())
                    .as("the host's mount table, after the task ended")
                    .singleElement()
                    .asString()
                    .contains(" " + secrets + " ")
                    .contains("noexec")
                    .contains("nosuid")
                    .contains(" tmpfs ")
                    .contains("size=1024k")
                    .contains("mode=700");
        } finally {
            new ProcessBuilder("umount", "-l", secrets.toString()).start().waitFor();
        }
    }

    @Test
    void aMountOnTheHostThatFailsFailsTheLaunchNamingIt() throws Exception {
        Path missing = dir.resolve("missing");
        LaunchSpec spec = spec(List.of("/bin/sleep", "600"))
                .isolatedBy(isolation(
                        true, List.of(SetupStep.filesystemOnHost("tmpfs", missing.toString(), 0, "size=1m"))));

        assertThatThrownBy(() -> launcher.launch(spec, TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot mount tmpfs on " + missing + " in the host's mount namespace");
    }

    @Test
    void anEntryRunsTheProgramInItsRootAndWorkDirAsTheUserWithOnlyItsCapabilitiesAndNoNewPrivileges() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        SupervisedTask task = launch(spec(List.of(
                        "/bin/sh", "-c", "id -u; id -G; pwd; grep -E '^(CapBnd|CapEff|NoNewPrivs):' /proc/self/status"))
                .isolatedBy(entryIsolation("/", work.toString(), List.of(0, 5))));

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        assertThat(Files.readAllLines(out(task)))
                .containsExactly(
                        "65534",
                        "65534 7",
                        work.toString(),
                        "CapEff:\t0000000000000000",
                        "CapBnd:\t0000000000000021",
                        "NoNewPrivs:\t1");
    }

    @Test
    void anEntryExecutesItsProgramFromOutsideARootThatDoesNotHoldIt() throws Exception {
        Path staticTini = Path.of("/usr/bin/tini-static");
        RealEnvironment.require(Files.isExecutable(staticTini), "tini-static (Debian's tini package)");
        Path emptyRoot = Files.createDirectories(dir.resolve("empty-root"));
        SupervisedTask task = launch(spec(List.of(staticTini.toString(), "--version"))
                .isolatedBy(entryIsolation(emptyRoot.toString(), "/", List.of())));

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(0));
        assertThat(Files.readString(out(task))).startsWith("tini version");
    }

    @Test
    void anEntryThatCannotEnterItsWorkDirEndsTheTaskWith125SayingSo() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        SupervisedTask task =
                launch(spec(List.of("/bin/true")).isolatedBy(entryIsolation("/", missing.toString(), List.of())));

        assertThat(awaitExit(task)).isEqualTo(ExitResult.exited(125));
        assertThat(Files.readString(dir.resolve(task.exitFile().getFileName() + ".err")))
                .contains("task setup failed: cannot enter the working directory " + missing);
    }

    /** Isolation whose entry runs the program as nobody (uid and gid 65534, also in group 7). */
    private static Isolation entryIsolation(String root, String workDir, List<Integer> capabilities) {
        return new Isolation(
                true,
                false,
                "iso-test",
                List.of(),
                List.of(SetupStep.privatePropagation()),
                List.of(),
                false,
                TIMEOUT,
                new IsolatedEntry(
                        root, workDir, new TaskUser("nobody", 65534, 65534, List.of(65534, 7)), capabilities));
    }

    /** A template whose root holds {@code marker/name} with {@code name} in it, bound read-only from a host dir. */
    private List<SetupStep> template(Path root, String name) throws IOException {
        Path source = Files.createDirectories(dir.resolve("marker-" + name));
        Files.writeString(source.resolve("name"), name);
        return List.of(
                SetupStep.filesystem("tmpfs", root.toString(), SetupStep.MS_NOSUID, "mode=0755"),
                SetupStep.directory(root.resolve("marker").toString(), 0755),
                SetupStep.bind(source.toString(), root.resolve("marker").toString()),
                SetupStep.remount(root.resolve("marker").toString(), SetupStep.MS_RDONLY));
    }

    private static Isolation isolation(boolean pidNamespace, List<SetupStep> steps) {
        return new Isolation(true, pidNamespace, "iso-test", List.of(), steps, List.of(), pidNamespace, TIMEOUT);
    }

    private SupervisedTask launch(LaunchSpec spec) throws IOException {
        return tasks.launch(spec);
    }

    private LaunchSpec spec(List<String> argv) {
        return tasks.spec(argv);
    }

    private Path out(SupervisedTask task) {
        return tasks.stdout(task);
    }

    private ExitResult awaitExit(SupervisedTask task) {
        return tasks.awaitExit(task);
    }

    private static String program(SupervisedTask task) throws IOException {
        return Files.readString(Path.of("/proc/" + task.task().pid() + "/comm")).strip();
    }

    private static String pidNamespace(long pid) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")).toString();
    }

    private static List<Long> childrenOf(long pid) {
        return ProcessHandle.of(pid)
                .map(p -> p.children().map(ProcessHandle::pid).toList())
                .orElse(List.of());
    }

    private List<String> mountsOfThisTest() {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains(dir.toString()))
                    .toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
