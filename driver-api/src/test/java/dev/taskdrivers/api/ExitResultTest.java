package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExitResultTest {

    @Test
    void factoriesDescribeTheCommonEndings() {
        assertThat(ExitResult.exited(0).successful()).isTrue();
        assertThat(ExitResult.exited(3)).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.successful()).isFalse();
        });
        assertThat(ExitResult.signaled(9)).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(-1);
            assertThat(r.signal()).isEqualTo(9);
        });
        assertThat(ExitResult.failed("image gone")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(-1);
            assertThat(r.error()).isEqualTo("image gone");
            assertThat(r.successful()).isFalse();
        });
    }

    @Test
    void builderAndFactoryBuildEqualValues() {
        ExitResult built = ExitResult.builder().exitCode(-1).signal(15).build();

        assertThat(built).isEqualTo(ExitResult.signaled(15)).hasSameHashCodeAs(ExitResult.signaled(15));
        assertThat(built).isNotEqualTo(ExitResult.signaled(9));
    }

    @Test
    void toBuilderDerivesAChangedCopyAndLeavesTheOriginal() {
        ExitResult exit = ExitResult.exited(137);

        ExitResult oom = exit.toBuilder().oomKilled(true).build();

        assertThat(oom.oomKilled()).isTrue();
        assertThat(oom.exitCode()).isEqualTo(137);
        assertThat(exit.oomKilled()).isFalse();
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        assertThatThrownBy(() -> ExitResult.builder().signal(-2).error(" ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid ExitResult")
                .hasMessageContaining("exitCode: is required")
                .hasMessageContaining("signal: must be 0 or more, was -2")
                .hasMessageContaining("error: must not be blank");
        assertThatThrownBy(() -> ExitResult.exited(-7)).hasMessageContaining("exitCode: must be -1 or more, was -7");
    }

    @Test
    void toStringShowsWhatEnded() {
        assertThat(ExitResult.signaled(9).toString())
                .contains("exitCode=-1", "signal=9", "oomKilled=false")
                .doesNotContain("error");
    }
}
