package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SignalsTest {

    @Test
    void namesInAnyFormMapToLinuxNumbers() {
        assertThat(Signals.number("SIGTERM")).contains(15);
        assertThat(Signals.number("term")).contains(15);
        assertThat(Signals.number("SIGKILL")).contains(9);
        assertThat(Signals.number("SIGUSR1")).contains(10);
        assertThat(Signals.number("SIGHUP")).contains(1);
        assertThat(Signals.number(" sigint ")).contains(2);
    }

    @Test
    void unknownNamesAreRefusedWithTheKnownOnes() {
        assertThat(Signals.number("SIGNOPE")).isEmpty();
        assertThat(Signals.number(null)).isEmpty();
        assertThatThrownBy(() -> Signals.require("SIGNOPE"))
                .hasMessageContaining("SIGNOPE")
                .hasMessageContaining("SIGTERM");
    }

    @Test
    void numbersHaveNames() {
        assertThat(Signals.name(9)).isEqualTo("SIGKILL");
        assertThat(Signals.name(99)).isEqualTo("signal 99");
    }
}
