package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExecResultTest {

    @Test
    void factoriesDescribeACompletedAndATimedOutCommand() {
        ExecResult done = ExecResult.completed(2, "out", "err");
        ExecResult late = ExecResult.timedOut("partial", "");

        assertThat(done.exitCode()).isEqualTo(2);
        assertThat(done.stdout()).isEqualTo("out");
        assertThat(done.stderr()).isEqualTo("err");
        assertThat(done.timedOut()).isFalse();
        assertThat(late.exitCode()).isEqualTo(-1);
        assertThat(late.timedOut()).isTrue();
    }

    @Test
    void builderDefaultsToEmptyOutputsAndEqualsTheFactory() {
        ExecResult built = ExecResult.builder().exitCode(0).build();

        assertThat(built).isEqualTo(ExecResult.completed(0, "", "")).hasSameHashCodeAs(ExecResult.completed(0, "", ""));
        assertThat(built).isNotEqualTo(built.toBuilder().truncated(true).build());
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        assertThatThrownBy(() -> ExecResult.builder()
                        .stdout(null)
                        .timedOut(true)
                        .exitCode(0)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exitCode: must be -1 when the command timed out, was 0")
                .hasMessageContaining("stdout: is required");
        assertThatThrownBy(() -> ExecResult.builder().build()).hasMessageContaining("exitCode: is required");
    }

    @Test
    void toStringGivesSizesNotTheOutputWhichMayHoldSecrets() {
        String text = ExecResult.completed(0, "PASSWORD=hunter2\n", "").toString();

        assertThat(text).doesNotContain("hunter2").contains("stdout=17 chars", "stderr=0 chars");
    }
}
