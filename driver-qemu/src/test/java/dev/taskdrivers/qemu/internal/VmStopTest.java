package dev.taskdrivers.qemu.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.ExitResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The words for ends the real tests cannot provoke on demand. */
class VmStopTest {
    private final VmStop button = new VmStop(VmStop.Method.POWER_BUTTON, Duration.ofMillis(1500));

    @Test
    void aVmThatFailsAfterThePowerButtonIsNotCalledPoweredOff() {
        DriverEvent event = button.ended(ExitResult.exited(1));

        assertThat(event.message()).isEqualTo("VM ended while stopping: QEMU exited with status 1");
        assertThat(event.details()).containsEntry("outcome", "other");
    }

    @Test
    void aKillNotSentByTheDriverIsNotTakenForTheTimeout() {
        assertThat(button.ended(ExitResult.signaled(9)).message())
                .isEqualTo("VM ended while stopping: QEMU was killed by signal 9");
        button.killed();
        assertThat(button.ended(ExitResult.signaled(9)).message())
                .isEqualTo("Guest did not power off within 1500ms; killed QEMU");
    }

    @Test
    void theBeginningNamesTheKillTimeout() {
        assertThat(button.begun(null).details())
                .containsEntry("stop", "system_powerdown")
                .containsEntry("kill_timeout_ms", "1500");
    }

    @Test
    void aFallbackAfterTheGuestAgentSaysWhyTheAgentWasNotUsed() {
        VmStop afterAgent = new VmStop(VmStop.Method.QUIT_SIGNAL, Duration.ofSeconds(4), "connection refused");

        DriverEvent begun = afterAgent.begun(null);

        assertThat(begun.message())
                .isEqualTo("The guest agent did not take guest-shutdown (connection refused); sent SIGTERM to QEMU"
                        + " (graceful_shutdown is off); QEMU quits without shutting the guest down");
        assertThat(begun.details()).containsEntry("guest_agent", "connection refused");
    }

    @Test
    void aGuestThatDoesNotShutDownAfterTheAgentsRequestIsToldAsKilled() {
        VmStop agent = new VmStop(VmStop.Method.GUEST_AGENT, Duration.ofSeconds(2));
        agent.killed();

        assertThat(agent.begun(null).details()).containsEntry("stop", "guest-shutdown");
        assertThat(agent.ended(ExitResult.signaled(9)).message())
                .isEqualTo("Guest did not shut down within 2s of the guest agent's request; killed QEMU");
    }
}
