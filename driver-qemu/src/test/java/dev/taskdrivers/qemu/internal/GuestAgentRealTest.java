package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.api.StartResult;
import dev.taskdrivers.api.TaskConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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

    private QemuGuests guests;

    @BeforeEach
    void requireQemu() {
        guests = new QemuGuests(root);
    }

    @AfterEach
    void cleanUp() throws IOException {
        guests.cleanUpAndCheck();
    }

    @Test
    void aStopAsksTheGuestAgentAndTheGuestShutsDownLongBeforeTheKillTimeout() throws Exception {
        Duration killTimeout = Duration.ofSeconds(40);
        Stopped stopped = startServingThenStop("agent", TestGuest.AGENT_INITRD, killTimeout, result -> {
            Path socket = Path.of(result.handle().state().data().get("dir"), "qa.sock");
            assertThat(socket).as("the agent's socket while the VM runs").exists();
        });

        // The guest ignores the ACPI button and SIGTERM would end with signal 15: exit 0 is the agent's doing.
        assertThat(stopped.exit()).isEqualTo(ExitResult.exited(0));
        assertThat(stopped.told()).hasSize(3).startsWith("Started VM with tcg");
        // the time left once the agent took the request, to whole seconds: 39s when it answered slowly
        assertThat(stopped.told().get(1))
                .matches(
                        "Asked the guest agent to shut down \\(guest-shutdown\\); waiting (40|39)s before killing the VM");
        assertThat(stopped.told().get(2)).isEqualTo("Guest shut down at the guest agent's request");
        assertThat(stopped.took())
                .as("ended by the agent, not by the kill timeout")
                .isLessThan(killTimeout);
    }

    @Test
    void aGuestWithoutAnAgentStillStopsThroughThePowerButtonWithinTheKillTimeout() throws Exception {
        Duration killTimeout = Duration.ofSeconds(30);
        Stopped stopped = startServingThenStop("noagent", TestGuest.POWEROFF_INITRD, killTimeout, result -> {});

        assertThat(stopped.exit()).isEqualTo(ExitResult.exited(0));
        assertThat(stopped.told()).hasSize(3).endsWith("Guest powered off");
        assertThat(stopped.told().get(1))
                .startsWith("The guest agent did not take guest-shutdown (no guest agent answered guest-sync within"
                        + " 5s); pressed the ACPI power button (system_powerdown); waiting ")
                .endsWith(" before killing the VM");
        assertThat(stopped.took()).isLessThan(killTimeout);
    }

    /** How a guest's stop went: its exit, the driver's messages when it ended, and how long the stop took. */
    private record Stopped(ExitResult exit, List<String> told, Duration took) {}

    /**
     * Starts a guest of {@code initrd} with the guest agent asked for, checks {@code whileStarting} at once, waits
     * until it serves its page (the agent guest starts its agent before it serves HTTP), then stops it.
     */
    private Stopped startServingThenStop(
            String name, Path initrd, Duration killTimeout, Consumer<StartResult> whileStarting) throws Exception {
        int port = TestGuest.freePort();
        Path image = TestGuest.diskWithPage(root, "agent guest\n");
        TaskConfig task = TestGuest.withConfig(
                TestGuest.task(root, name, image, initrd, port, true, killTimeout), Map.of("guest_agent", true));
        StartResult result = guests.start(task);
        whileStarting.accept(result);
        await().atMost(90, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> TestGuest.get(port), "agent guest\n"::equals);

        long before = System.nanoTime();
        List<String> told = guests.stop(result.handle(), killTimeout, killTimeout.toSeconds() + 20)
                .messages();
        Duration took = Duration.ofNanos(System.nanoTime() - before);
        return new Stopped(result.handle().exitFuture().get(), told, took);
    }
}
