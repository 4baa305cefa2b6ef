package dev.taskdrivers.runner.internal.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.runner.TemplateOptions;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which wait a template gets: its own within the operator's bounds, or the operator's default. */
class TemplateWaitTest {
    private static final Duration S1 = Duration.ofSeconds(1);
    private static final Duration S2 = Duration.ofSeconds(2);
    private static final Duration S10 = Duration.ofSeconds(10);
    private static final Duration S30 = Duration.ofSeconds(30);
    private static final Duration M5 = Duration.ofMinutes(5);

    private static TemplateSpec own(Duration min, Duration max) {
        return TemplateSpec.builder("local/x").data("x").waitBounds(min, max).build();
    }

    private static TemplateSpec none() {
        return TemplateSpec.builder("local/x").data("x").build();
    }

    @Test
    void aTemplateWithoutAWaitGetsNomadsDefaultOfFiveSecondsToFourMinutes() {
        TemplateWait wait = TemplateWait.of(none(), TemplateOptions.DEFAULT);

        assertThat(wait).isEqualTo(new TemplateWait(Duration.ofSeconds(5), Duration.ofMinutes(4)));
        assertThat(wait.none()).isFalse();
    }

    @Test
    void theOperatorsDefaultWaitAppliesUnboundedAndAZeroOneRendersAtOnce() {
        TemplateOptions options =
                TemplateOptions.builder().wait(S1, S2).waitBounds(S10, S30).build();
        TemplateOptions noWait =
                TemplateOptions.builder().wait(Duration.ZERO, Duration.ZERO).build();

        assertThat(TemplateWait.of(none(), options)).isEqualTo(new TemplateWait(S1, S2));
        assertThat(TemplateWait.of(none(), noWait).none()).isTrue();
    }

    @Test
    void aTemplatesOwnWaitWinsOverTheDefault() {
        TemplateOptions options = TemplateOptions.builder().wait(S10, M5).build();

        assertThat(TemplateWait.of(own(S1, S2), options)).isEqualTo(new TemplateWait(S1, S2));
        assertThat(TemplateWait.of(own(Duration.ZERO, Duration.ZERO), options).none())
                .as("a job's wait of zero renders at once")
                .isTrue();
    }

    @Test
    void theBoundsRaiseAShortWaitAndLowerALongOne() {
        TemplateOptions bounds = TemplateOptions.builder().waitBounds(S2, S30).build();

        assertThat(TemplateWait.of(own(S1, S10), bounds)).isEqualTo(new TemplateWait(S2, S10));
        assertThat(TemplateWait.of(own(S10, M5), bounds)).isEqualTo(new TemplateWait(S10, S30));
        assertThat(TemplateWait.of(own(Duration.ZERO, Duration.ZERO), bounds))
                .as("a zero wait is raised too")
                .isEqualTo(new TemplateWait(S2, S2));
        assertThat(TemplateWait.of(own(M5, M5), bounds)).isEqualTo(new TemplateWait(S30, S30));
    }

    @Test
    void aBoundOnOneSideOnlyLeavesTheOtherAlone() {
        TemplateOptions lower = TemplateOptions.builder().waitBounds(S2, null).build();
        TemplateOptions upper = TemplateOptions.builder().waitBounds(null, S10).build();

        assertThat(TemplateWait.of(own(S1, M5), lower)).isEqualTo(new TemplateWait(S2, M5));
        assertThat(TemplateWait.of(own(S1, M5), upper)).isEqualTo(new TemplateWait(S1, S10));
    }
}
