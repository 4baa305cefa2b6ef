package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.DriverContext;
import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.tck.RealEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stops real guests through the guest agent. The agent guest runs a minimal agent (see scripts/services/qemu-guest.sh)
 * and ignores the ACPI power button, so its clean end can only come from the agent.
 */
@Tag("real")
class GuestAgentRealTest {
    @TempDir
    Path root;

    private QemuDriver driver;
    private final List<TaskConfig> started = new ArrayList<>();
    private final List<StartResult> results = new ArrayList<>();
    private final List<DriverEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void requireQemu() {
        driver = new QemuDriver(QemuDriverOptions.from(DriverContext.of(root.resolve("state"))));
        RealEnvironment.require(driver.fingerprint().isHealthy() && TestGuest.built(), TestGuest.requirement());
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (int i = 0; i < results.size(); i++) {
            driver.cleanup(started.get(i), results.get(i).created());
        }
        for (StartResult r : results) {
            long pid = Long.parseLong(r.handle().state().data().get("pid"));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                    .as("qemu left running")
                    .isNotEqualTo(Optional.of(true));
        }
        try (Stream<Path> entries = Files.list(root.resolve("state"))) {
            assertThat(entries.filter(p -> !p.getFileName().toString().equals(KvmSupport.CACHE_FILE)))
                    .as("task directories (with qa.sock) left after cleanup")
                    .isEmpty();
        }
    }

    @Test
    void aStopAsksTheGuestAgentAndTheGuestShutsDownLongBeforeTheKillTimeout() throws Exception {
        int port = TestGuest.freePort();
        Duration killTimeout = Duration.ofSeconds(40);
        TaskConfig task = agentTask("agent", TestGuest.AGENT_INITRD, port, killTimeout);
        StartResult result = start(task);
        Path socket = Path.of(result.handle().state().data().get("dir"), "qa.sock");
        assertThat(socket).as("the agent's socket while the VM runs").exists();
        // the guest starts its agent before it serves HTTP
        await().atMost(90, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> TestGuest.get(port), "agent guest\n"::equals);

        long before = System.nanoTime();
        List<String> told = stop(result, killTimeout);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        // The guest ignores the ACPI button and SIGTERM would end with signal 15: exit 0 is the agent's doing.
        assertThat(result.handle().exitFuture().get()).isEqualTo(ExitResult.exited(0));
        assertThat(told)
                .containsExactly(
                        "Started VM with tcg",
                        "Asked the guest agent to shut down (guest-shutdown); waiting 40s before killing the VM",
                        "Guest shut down at the guest agent's request");
        assertThat(took).as("ended by the agent, not by the kill timeout").isLessThan(killTimeout);
    }

    @Test
    void aGuestWithoutAnAgentStillStopsThroughThePowerButtonWithinTheKillTimeout() throws Exception {
        int port = TestGuest.freePort();
        Duration killTimeout = Duration.ofSeconds(30);
        TaskConfig task = agentTask("noagent", TestGuest.POWEROFF_INITRD, port, killTimeout);
        StartResult result = start(task);
        await().atMost(90, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> TestGuest.get(port), "agent guest\n"::equals);

        long before = System.nanoTime();
        List<String> told = stop(result, killTimeout);
        Duration took = Duration.ofNanos(System.nanoTime() - before);

        assertThat(result.handle().exitFuture().get()).isEqualTo(ExitResult.exited(0));
        assertThat(told).hasSize(3).endsWith("Guest powered off");
        assertThat(told.get(1))
                .startsWith("The guest agent did not take guest-shutdown (no guest agent answered guest-sync within"
                        + " 5s); pressed the ACPI power button (system_powerdown); waiting ")
                .endsWith(" before killing the VM");
        assertThat(took).isLessThan(killTimeout);
    }

    private TaskConfig agentTask(String name, Path initrd, int port, Duration killTimeout) throws IOException {
        Path image = TestGuest.diskWithPage(root, "agent guest\n");
        return TestGuest.withConfig(
                TestGuest.task(root, name, image, initrd, port, true, killTimeout), Map.of("guest_agent", true));
    }

    /** Stops the VM and returns the driver's event messages as they stood when the exit completed. */
    private List<String> stop(StartResult result, Duration timeout) throws Exception {
        return result.handle()
                .stop(timeout, "SIGTERM")
                .thenApply(exit -> events.stream().map(DriverEvent::message).toList())
                .get(timeout.toSeconds() + 20, TimeUnit.SECONDS);
    }

    private StartResult start(TaskConfig task) {
        driver.prestart(task, events::add);
        StartResult result = driver.start(task, events::add);
        started.add(task);
        results.add(result);
        return result;
    }
}
