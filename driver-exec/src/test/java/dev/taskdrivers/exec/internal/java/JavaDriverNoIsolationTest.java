package dev.taskdrivers.exec.internal.java;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.LogConfig;
import dev.taskdrivers.exec.internal.cgroup.CgroupSystem;
import dev.taskdrivers.exec.internal.cgroup.MountInfo;
import dev.taskdrivers.exec.internal.process.TaskUser;
import dev.taskdrivers.exec.java.JavaDriverFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Java programs run by the java driver as plain host processes, when the operator sets isolation = "none". */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaDriverNoIsolationTest {
    @TempDir
    java.nio.file.Path tempDir;

    private JavaTasks tasks;

    @BeforeAll
    void requireJdk() {
        JavaContractTest.JavaHost.requireJdk();
    }

    @BeforeEach
    void createDriver() {
        tasks = new JavaTasks(
                tempDir, new JavaDriverFactory().create(new DriverContext(Map.of("isolation", "none"), tempDir)));
    }

    @AfterEach
    void stopAll() throws Exception {
        tasks.close();
    }

    @Test
    void aJarInTheAllocDirRunsOnTheHostWithItsOptionsAndNoHeapLimitOfTheDriver() throws Exception {
        var task = tasks.task(
                Map.of(
                        "jar_path", "alloc/shared/probe.jar",
                        "jvm_options", List.of("-Dfoo=bar"),
                        "args", List.of("report", "x")),
                64);
        Files.createDirectories(task.dirs().allocDir().resolve("shared"));
        Files.copy(
                task.dirs().localDir().resolve("probe.jar"),
                task.dirs().allocDir().resolve("shared/probe.jar"));

        JavaTasks.Started s = tasks.start(task);

        assertThat(s.exit().exitCode()).as(s.stderr()).isZero();
        assertThat(s.stdout())
                .contains(
                        "foo=bar\n",
                        "args=x\n",
                        "class=file:" + task.dirs().allocDir().resolve("shared/probe.jar"));
        // the driver passes no -XX:MaxRAM here: a JVM in raw_exec's cgroup sizes its heap from that cgroup's limit
        // itself, one without a cgroup (a runner that cannot make them) from the host's memory
        if (rawExecTasksGetCgroups()) {
            assertThat(JavaDriverIsolatedTest.maxMemory(s.stdout())).isLessThan(64L << 20);
        } else {
            assertThat(JavaDriverIsolatedTest.maxMemory(s.stdout())).isGreaterThan(64L << 20);
        }
        assertThat(tasks.driver.fingerprint().attributes()).containsEntry("driver.java.isolation", "none");
    }

    private static boolean rawExecTasksGetCgroups() {
        if (TaskUser.runnerUid() != 0) {
            return false;
        }
        try {
            CgroupSystem.detect(MountInfo.read(MountInfo.SELF));
            return true;
        } catch (DriverException e) {
            return false;
        }
    }

    @Test
    void aClassRunsFromItsClassPath() throws Exception {
        JavaTasks.Started s = tasks.start(
                Map.of("class", ProbeJars.MAIN, "class_path", "local/classes", "args", List.of("exit", "7")));

        assertThat(s.exit().exitCode()).as(s.stderr()).isEqualTo(7);
    }

    @Test
    void theTasksLogLimitsRotateItsOutput() throws Exception {
        LogConfig limits =
                LogConfig.builder().maxFiles(3).maxFileSizeBytes(16 * 1024).build();
        var task = tasks.task(Map.of("jar_path", "local/probe.jar", "args", List.of("chatter", "2000")), 256)
                .withLogs(limits);

        tasks.start(task);

        // about 200 KiB written: a dozen files of 16 KiB, of which the newest 3 are kept
        JavaTasks.awaitStdoutKeptWithin(task, limits, "line 002000 " + "x".repeat(88));
    }
}
