package dev.taskdrivers.runner.internal.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The state files' reader reads what Jackson writes, as Jackson reads it, and refuses what Jackson refuses. */
class StateJsonReaderTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    @Property(tries = 300)
    void readsWhatJacksonWritesAsJacksonReadsIt(@ForAll("values") Object value) throws Exception {
        byte[] json = JACKSON.writeValueAsBytes(value);

        Object read = StateJsonReader.read(json);

        assertThat(read).isEqualTo(JACKSON.readValue(json, Object.class));
    }

    @Property(tries = 2000)
    void acceptsExactlyTheTextJacksonAccepts(@ForAll("jsonLikeText") String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        Optional<Object> jackson = jacksonStrict(bytes);

        if (jackson.isPresent()) {
            Object read = StateJsonReader.read(bytes);
            assertThat(read == null ? NullValue.INSTANCE : read).isEqualTo(jackson.get());
        } else {
            assertThatThrownBy(() -> StateJsonReader.read(bytes))
                    .isInstanceOf(StateJsonReader.MalformedJsonException.class)
                    .hasMessageContaining(" at line ");
        }
    }

    @Property(tries = 300)
    void withAnInternerTheSameIsReadAndEqualTaskTextsShareOneMap(@ForAll("values") Object spec) throws Exception {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("format", 4);
        file.put("task", spec);
        file.put("status", "RUNNING");
        byte[] json = JACKSON.writeValueAsBytes(file);
        TaskSpecInterner interner = new TaskSpecInterner();

        Object first = StateJsonReader.read(json, interner);
        Object second = StateJsonReader.read(json, interner);

        assertThat(first).isEqualTo(StateJsonReader.read(json)).isEqualTo(second);
        if (spec instanceof Map<?, ?>) {
            assertThat(((Map<?, ?>) second).get("task")).isSameAs(((Map<?, ?>) first).get("task"));
        }
    }

    @Test
    void aSharedTaskSpecIsUnmodifiableAndOnlyExactlyEqualTextsShareIt() throws Exception {
        TaskSpecInterner interner = new TaskSpecInterner();
        byte[] one = "{\"task\": {\"name\": \"a\", \"args\": [\"}\\\"{\"]}, \"n\": 1}".getBytes(StandardCharsets.UTF_8);
        byte[] same =
                "{\"task\": {\"name\": \"a\", \"args\": [\"}\\\"{\"]}, \"n\": 2}".getBytes(StandardCharsets.UTF_8);
        byte[] other =
                "{\"task\": {\"name\": \"b\", \"args\": [\"}\\\"{\"]}, \"n\": 1}".getBytes(StandardCharsets.UTF_8);

        Map<?, ?> first = (Map<?, ?>) StateJsonReader.read(one, interner);
        Map<?, ?> again = (Map<?, ?>) StateJsonReader.read(same, interner);
        Map<?, ?> different = (Map<?, ?>) StateJsonReader.read(other, interner);

        assertThat(first.get("task")).isEqualTo(Map.of("name", "a", "args", List.of("}\"{")));
        assertThat(again.get("task")).isSameAs(first.get("task"));
        assertThat(again.get("n")).isEqualTo(2);
        assertThat(different.get("task"))
                .isNotSameAs(first.get("task"))
                .isEqualTo(Map.of("name", "b", "args", List.of("}\"{")));
        @SuppressWarnings("unchecked")
        Map<String, Object> shared = (Map<String, Object>) first.get("task");
        assertThatThrownBy(() -> shared.put("name", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aTaskSpecTheInternerKnowsIsStillCheckedAfterIt() throws Exception {
        TaskSpecInterner interner = new TaskSpecInterner();
        StateJsonReader.read("{\"task\": {\"name\": \"a\"}}".getBytes(StandardCharsets.UTF_8), interner);

        assertThatThrownBy(() -> StateJsonReader.read(
                        "{\"task\": {\"name\": \"a\"} \"x\": 1}".getBytes(StandardCharsets.UTF_8), interner))
                .hasMessage("expected '}' at line 1, column 24 (found '\"')");
        assertThatThrownBy(() ->
                        StateJsonReader.read("{\"task\": {\"name\": \"a\"".getBytes(StandardCharsets.UTF_8), interner))
                .hasMessageContaining("at line 1");
    }

    @Test
    void wholeNumbersAreTheSmallestTypeThatHoldsThemAndOthersDoubles() throws Exception {
        Object read = StateJsonReader.read("[7, -2147483649, 9223372036854775807, 9223372036854775808, -0, 1.5, 2e3]"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(read)
                .isEqualTo(List.of(
                        7, -2147483649L, Long.MAX_VALUE, new BigInteger("9223372036854775808"), 0, 1.5, 2000.0));
    }

    @Test
    void escapesAndUnicodeAreDecoded() throws Exception {
        Object read = StateJsonReader.read("{\"a\\\"b\": \"tab\\there \\u00e9\\ud83d\\ude00 ünï\\/\", \"k\": null}"
                .getBytes(StandardCharsets.UTF_8));

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("a\"b", "tab\there é\uD83D\uDE00 ünï/");
        expected.put("k", null);
        assertThat(read).isEqualTo(expected);
    }

    @Test
    void aFaultIsReportedWithItsLineAndColumn() {
        byte[] truncated = "{\n  \"status\": \"RUNN".getBytes(StandardCharsets.UTF_8);
        byte[] badUtf8 = {'"', (byte) 0xC3, '"'};

        assertThatThrownBy(() -> StateJsonReader.read(truncated))
                .hasMessage("unexpected end of content in a string at line 2, column 18 (found end of content)");
        assertThatThrownBy(() -> StateJsonReader.read("{\"a\": 1,}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("expected a field name in quotes at line 1, column 9 (found '}')");
        assertThatThrownBy(() -> StateJsonReader.read(badUtf8)).hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> StateJsonReader.read("[".repeat(501).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("nested deeper than 500 levels");
    }

    /** Jackson's value of the text, or empty when Jackson refuses it (trailing content included). */
    private static Optional<Object> jacksonStrict(byte[] bytes) throws IOException {
        try (JsonParser parser = JACKSON.getFactory().createParser(bytes)) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            Object value = JACKSON.readValue(parser, Object.class);
            if (parser.nextToken() != null) {
                return Optional.empty();
            }
            return Optional.of(value == null ? NullValue.INSTANCE : value);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** Stands for JSON's null, which Optional cannot hold. */
    private enum NullValue {
        INSTANCE
    }

    @Provide
    Arbitrary<Object> values() {
        Arbitrary<Object> leaves = Arbitraries.oneOf(
                text(12).map(s -> s),
                Arbitraries.integers().map(i -> i),
                Arbitraries.longs().map(l -> l),
                Arbitraries.bigIntegers()
                        .between(BigInteger.TWO.pow(70).negate(), BigInteger.TWO.pow(70))
                        .map(b -> b),
                Arbitraries.doubles().map(d -> d),
                Arbitraries.of(true, false).map(b -> b));
        return Arbitraries.recursive(
                () -> leaves,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(4).map(l -> l),
                        Arbitraries.maps(text(6), inner).ofMaxSize(4).map(m -> m)),
                3);
    }

    /** Any text without lone surrogates, which no JSON writer can encode. */
    private static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings()
                .withCharRange('\u0000', '\uD7FF')
                .withCharRange('\uE000', '\uFFFD')
                .ofMaxLength(maxLength);
    }

    /** Text made mostly of JSON's own characters, so that most of it is nearly valid. */
    @Provide
    Arbitrary<String> jsonLikeText() {
        Arbitrary<String> pieces = Arbitraries.of(
                "{", "}", "[", "]", ",", ":", " ", "\n", "\"a\"", "\"", "\\", "\\u00e9", "\\n", "1", "-", "0", ".5",
                "e3", "E", "+", "true", "false", "null", "tru", "é", "\t", "\u0001", "x");
        return pieces.list().ofMaxSize(14).map(l -> String.join("", l));
    }

    @Test
    void nullAtTheTopIsAValue() throws Exception {
        assertThat(StateJsonReader.read(" null ".getBytes(StandardCharsets.UTF_8)))
                .isNull();
    }
}
