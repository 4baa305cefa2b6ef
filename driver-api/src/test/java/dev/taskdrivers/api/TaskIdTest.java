package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class TaskIdTest {

    @Test
    void refusesNamesUnsafeForFilesAndContainerNames() {
        assertThatThrownBy(() -> new TaskId("a1", "job", "grp", 0, "../etc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("taskName");
        assertThatThrownBy(() -> new TaskId("a 1", "job", "grp", 0, "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allocId");
    }

    @Test
    void namesTheAllocationLikeNomad() {
        TaskId id = new TaskId("a1", "job", "grp", 3, "t");
        assertThat(id.allocName()).isEqualTo("job.grp[3]");
        assertThat(id.key()).isEqualTo("a1/t");
    }

    @Property(tries = 3000)
    void aSafeIdIsOneToOneHundredTwentyEightLettersDigitsAndPunctuationStartingWithALetterOrDigit(
            @ForAll("candidates") String value) {
        boolean documented = Pattern.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}", value);

        assertThat(TaskId.isSafe(value)).as("isSafe(\"%s\")", value).isEqualTo(documented);
    }

    @Provide
    Arbitrary<String> candidates() {
        Arbitrary<String> ascii = Arbitraries.strings()
                .withChars("aZ09_.-/ \u00e9\n")
                .ofMinLength(0)
                .ofMaxLength(6);
        Arbitrary<String> longOnes =
                Arbitraries.strings().withChars("a9_").ofMinLength(126).ofMaxLength(130);
        return Arbitraries.oneOf(ascii, longOnes);
    }
}
