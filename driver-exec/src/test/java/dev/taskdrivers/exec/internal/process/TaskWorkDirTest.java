package dev.taskdrivers.exec.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskWorkDirTest {
    @ParameterizedTest(name = "\"{0}\" reads as {1}")
    @CsvSource({"/local/,/local", "/local,/local", "/,/", "//local//data/,/local/data", "/local/./data,/local/data"})
    void anAbsolutePathIsAcceptedInItsPlainForm(String setting, String normalised) {
        assertThat(TaskWorkDir.normalise(setting)).contains(normalised);
    }

    @ParameterizedTest(name = "\"{0}\" is refused")
    @ValueSource(
            strings = {"local/", "local", "", "./local", "/..", "/local/../..", "/local/../x", "/local/..", "/a\0b"})
    void aRelativePathOrOneWithAParentStepIsRefused(String setting) {
        assertThat(TaskWorkDir.normalise(setting)).isEmpty();
    }
}
