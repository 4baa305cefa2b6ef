package dev.taskdrivers.runner.real;

import static dev.taskdrivers.runner.real.RawExec.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.runner.AllocationHandle;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.drivers.DriverRegistry;
import dev.taskdrivers.runner.internal.HostCores;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.RestartPolicy;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real exec tasks with {@code resources.cores = 1} run on cores of their own, as the kernel sees them (the
 * {@code Cpus_allowed_list} of the task's process); a task that finds no free core is refused while the others run.
 */
@Tag("real")
class ExecCoresTest {
    @RegisterExtension
    final RealRunner real = RealRunner.rawExec();

    @BeforeEach
    void requireExecWithCpusets() {
        Fingerprint f;
        try (DriverRegistry drivers = DriverRegistry.load(
                ExecCoresTest.class.getClassLoader(), real.root().resolve("probe-exec"), Map.of())) {
            f = drivers.has("exec") ? drivers.driver("exec").fingerprint() : Fingerprint.undetected("no exec driver");
        }
        RealEnvironment.require(f.isHealthy(), "a healthy exec driver (" + f.description() + ")");
        RealEnvironment.require(
                Files.exists(Path.of("/sys/fs/cgroup/cpuset/cpuset.cpus")), "the cgroup v1 cpuset controller");
        assumeTrue(HostCores.usable().size() == 2, "a runner that may use exactly two cores");
    }

    private AllocationHandle submit(String name) {
        TaskSpec sleeper = TaskSpec.of(name, "exec", Map.of("command", "/bin/sleep", "args", List.of("600")))
                .withRestart(RestartPolicy.NEVER)
                .toBuilder()
                .cores(1)
                .build();
        return real.runner()
                .submit(JobSpec.service("cores", List.of(GroupSpec.of("g", List.of(sleeper)))))
                .get(0);
    }

    /** The core the allocation's sleep runs on, once the kernel confines it to one; with its NOMAD_CPU_CORES. */
    private static String confinedCore(AllocationHandle alloc) {
        String[] found = new String[1];
        await().atMost(WAIT).until(() -> {
            Optional<Long> sleep = RawExec.processesOf(Set.of(alloc.id())).stream()
                    .filter(pid -> command(pid).equals("sleep"))
                    .findFirst();
            if (sleep.isEmpty()) {
                return false;
            }
            String allowed = cpusAllowed(sleep.get());
            if (allowed.contains("-") || allowed.contains(",")) {
                return false; // not yet in its cpuset cgroup
            }
            assertThat(environ(sleep.get())).contains("NOMAD_CPU_CORES=" + allowed + "\0");
            found[0] = allowed;
            return true;
        });
        return found[0];
    }

    @Test
    void twoTasksGetDifferentCoresAThirdIsRefusedWhileTheyRunAndGetsTheCoreOneLeaves() throws Exception {
        AllocationHandle first = submit("first");
        AllocationHandle second = submit("second");
        String firstCore = confinedCore(first);
        String secondCore = confinedCore(second);
        assertThat(Set.of(firstCore, secondCore)).containsExactlyInAnyOrder("0", "1");

        AllocationStatus refused = submit("third").await(WAIT);
        TaskStatus third = refused.tasks().get("third");
        assertThat(third.failed()).isTrue();
        assertThat(third.events())
                .filteredOn(e -> e.type() == TaskEventType.SETUP_FAILURE)
                .singleElement()
                .satisfies(e -> assertThat(e.message())
                        .isEqualTo("resources.cores: the task asks for 1 core, but only 0 of the 2 cores this runner"
                                + " may use (0-1) are free: the others are held by "
                                + (firstCore.equals("0")
                                        ? "cores.g[0]/first (0), cores.g[0]/second (1)"
                                        : "cores.g[0]/second (0), cores.g[0]/first (1)")));
        assertThat(first.status().tasks().get("first").state()).isEqualTo(TaskState.RUNNING);
        assertThat(second.status().tasks().get("second").state()).isEqualTo(TaskState.RUNNING);

        first.stop().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        AllocationHandle fourth = submit("fourth");

        assertThat(confinedCore(fourth)).isEqualTo(firstCore);
    }

    private static String command(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .trim();
        } catch (IOException e) {
            return ""; // ended meanwhile
        }
    }

    private static String cpusAllowed(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElseThrow();
    }

    private static String environ(long pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")));
    }
}
