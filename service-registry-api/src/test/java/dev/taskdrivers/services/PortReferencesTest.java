package dev.taskdrivers.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortReferencesTest {
    @ParameterizedTest
    @CsvSource({"9001, 9001", "1, 1", "65535, 65535", "080, 80"})
    void aDecimalNumberFromOneTo65535IsThatPort(String reference, int port) {
        assertThat(PortReferences.literalPort(reference)).isEqualTo(OptionalInt.of(port));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http", "0", "65536", "123456", "-80", "+80", " 80", "8o", ""})
    void anythingElseIsNoPortNumber(String reference) {
        assertThat(PortReferences.literalPort(reference)).isEmpty();
    }
}
