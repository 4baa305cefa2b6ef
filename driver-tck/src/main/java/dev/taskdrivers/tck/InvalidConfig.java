package dev.taskdrivers.tck;

import java.util.Map;
import java.util.Set;

/**
 * A driver config with several problems at once, and the fields the driver must name in its problems.
 *
 * @param config the task's {@code config} block
 * @param expectedFields the paths of the problems, e.g. {@code config.command} and {@code config.bogus}
 */
public record InvalidConfig(Map<String, Object> config, Set<String> expectedFields) {
    public InvalidConfig {
        config = Map.copyOf(config);
        expectedFields = Set.copyOf(expectedFields);
    }
}
