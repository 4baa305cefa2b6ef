package dev.taskdrivers.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a driver gets from the runner when it is created.
 *
 * @param options operator configuration of the driver (JSON-like values: String, Number, Boolean, List, Map)
 * @param dataDir a directory the driver may use for its own state; it survives runner restarts
 */
public record DriverContext(Map<String, Object> options, Path dataDir) {
    public DriverContext {
        options = Map.copyOf(Objects.requireNonNull(options, "options"));
        Objects.requireNonNull(dataDir, "dataDir");
    }

    /** A context with no options. */
    public static DriverContext of(Path dataDir) {
        return new DriverContext(Map.of(), dataDir);
    }

    @Override
    public String toString() {
        return "DriverContext[options=" + Redaction.redact(options) + ", dataDir=" + dataDir + "]";
    }
}
