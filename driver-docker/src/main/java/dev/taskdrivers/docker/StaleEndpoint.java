package dev.taskdrivers.docker;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's complaint that an endpoint of the container's name already exists in a network, which happens when
 * the engine forgot a container across a restart but not its endpoint.
 */
record StaleEndpoint(String endpoint, String network) {
    private static final Pattern MESSAGE =
            Pattern.compile("endpoint with name (\\S+) already exists in network (\\S+?)\\.?(?:\\s|$)");

    /** The endpoint and network named in an engine error message, when it is this complaint. */
    static Optional<StaleEndpoint> parse(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = MESSAGE.matcher(message);
        return m.find() ? Optional.of(new StaleEndpoint(m.group(1), m.group(2))) : Optional.empty();
    }
}
