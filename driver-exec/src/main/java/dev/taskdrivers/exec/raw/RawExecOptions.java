package dev.taskdrivers.exec.raw;

import dev.taskdrivers.api.ConfigReader;
import java.util.Map;

/**
 * The operator's options of the raw_exec driver.
 *
 * @param enabled whether tasks may run (raw_exec runs them without any isolation, as the runner's user)
 */
record RawExecOptions(boolean enabled) {

    /** Reads the options; unknown options and wrong types are a {@code ValidationException}. */
    static RawExecOptions read(Map<String, Object> options) {
        ConfigReader reader = new ConfigReader(options, "raw_exec");
        boolean enabled = reader.bool("enabled", true);
        reader.throwIfInvalid();
        return new RawExecOptions(enabled);
    }
}
