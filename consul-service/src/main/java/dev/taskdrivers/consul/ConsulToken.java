package dev.taskdrivers.consul;

import java.util.Objects;

/** A Consul ACL token. Its {@link #toString()} never shows the value, so it cannot leak into logs or messages. */
public final class ConsulToken {
    private final String value;

    private ConsulToken(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static ConsulToken of(String value) {
        return new ConsulToken(value);
    }

    /** The secret itself; pass it only to the HTTP client. */
    String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ConsulToken[****]";
    }
}
