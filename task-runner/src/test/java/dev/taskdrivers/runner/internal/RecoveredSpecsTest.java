package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A recovery parses each spec map once and hands the same spec to every task that holds that map. */
class RecoveredSpecsTest {
    private static Map<String, Object> spec(String command) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("name", "t");
        raw.put("driver", "raw_exec");
        raw.put("config", Map.of("command", command));
        return raw;
    }

    @Test
    void theSameMapGivesTheSameSpecAndAnotherMapItsOwn() {
        RecoveredSpecs specs = new RecoveredSpecs();
        Map<String, Object> shared = spec("/bin/true");

        RecoveredSpecs.Parsed first = specs.parse(shared);
        RecoveredSpecs.Parsed again = specs.parse(shared);
        RecoveredSpecs.Parsed other = specs.parse(spec("/bin/false"));

        assertThat(again).isSameAs(first);
        assertThat(first.spec()).isNotNull();
        assertThat(first.spec().config()).containsEntry("command", "/bin/true");
        assertThat(other.spec()).isNotNull();
        assertThat(other.spec().config()).containsEntry("command", "/bin/false");
    }

    @Test
    void aBrokenSpecKeepsItsProblemsForEveryTaskThatHoldsIt() {
        RecoveredSpecs specs = new RecoveredSpecs();
        Map<String, Object> broken = spec("/bin/true");
        broken.put("resources", Map.of("memory_mb", -1));

        RecoveredSpecs.Parsed parsed = specs.parse(broken);

        assertThat(parsed.problems()).isNotEmpty();
        assertThat(parsed.problems().get(0).field()).startsWith("task.resources");
        assertThat(specs.parse(broken).problems()).isEqualTo(parsed.problems());
    }
}
