package dev.taskdrivers.api;

import java.util.Map;
import java.util.Objects;

/**
 * What a driver needs to reattach to a task, persisted by the runner. Opaque to everybody but the driver.
 *
 * @param driver the driver name that created it
 * @param version the driver's own format version of {@code data}
 * @param data the driver's reattach data, e.g. a container id or a pid with its start time
 */
public record HandleState(String driver, int version, Map<String, String> data) {
    public HandleState {
        Objects.requireNonNull(driver, "driver");
        data = Map.copyOf(data);
    }

    /** A value of {@code data}, or a {@link DriverException} naming the missing key. */
    public String require(String key) {
        String value = data.get(key);
        if (value == null) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, "handle state of driver " + driver + " has no '" + key + "'");
        }
        return value;
    }
}
