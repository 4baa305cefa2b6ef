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
}
