package dev.taskdrivers.hostprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.ExecResult;
import org.junit.jupiter.api.Test;

class CommandResultTest {

    @Test
    void aCommandsResultBecomesTheExecResultADriverReports() {
        ExecResult exec = new CommandResult(3, "out", "err", false, true).toExecResult();

        assertThat(exec.exitCode()).isEqualTo(3);
        assertThat(exec.stdout()).isEqualTo("out");
        assertThat(exec.stderr()).isEqualTo("err");
        assertThat(exec.timedOut()).isFalse();
        assertThat(exec.truncated()).isTrue();
    }
}
