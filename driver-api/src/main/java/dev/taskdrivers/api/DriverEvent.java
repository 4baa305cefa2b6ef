package dev.taskdrivers.api;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Something a driver tells about one task, such as image pull progress or how a VM was asked to stop. The runner
 * shows it as a task event of type {@code Driver}; the lifecycle events (Started, Killing, Terminated, ...) are the
 * runner's own and cannot be emitted by a driver. Built through {@link #of(String)}, {@link #of(String, Map)} or
 * {@link #builder()}; new facts are added as builder methods, so drivers written against an older version keep
 * compiling. Its {@code toString()} masks detail values whose keys look secret.
 */
public final class DriverEvent {
    private final String message;
    private final Map<String, String> details;
    private final Instant time;

    private DriverEvent(Builder b, Instant time) {
        this.message = Objects.requireNonNull(b.message);
        this.details = Map.copyOf(b.details);
        this.time = time;
    }

    /**
     * An event with no details, happening now.
     *
     * @param message what happened, in words an operator understands; never a secret
     * @return the event
     */
    public static DriverEvent of(String message) {
        return builder().message(message).build();
    }

    /**
     * An event happening now.
     *
     * @param message what happened, in words an operator understands; never a secret
     * @param details machine readable facts, e.g. {@code image}, {@code percent}
     * @return the event
     */
    public static DriverEvent of(String message, Map<String, String> details) {
        return builder().message(message).details(details).build();
    }

    /**
     * A builder with no details and the time taken when {@link Builder#build()} runs; {@link Builder#message} is
     * required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What happened.
     *
     * @return a human readable description, never blank
     */
    public String message() {
        return message;
    }

    /**
     * Machine readable facts, e.g. {@code image}, {@code percent}.
     *
     * @return an immutable map, empty when there are none
     */
    public Map<String, String> details() {
        return details;
    }

    /**
     * When it happened.
     *
     * @return the time, never {@code null}
     */
    public Instant time() {
        return time;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DriverEvent other
                && message.equals(other.message)
                && details.equals(other.details)
                && time.equals(other.time);
    }

    @Override
    public int hashCode() {
        return Objects.hash(message, details, time);
    }

    /** Detail values under keys that look secret are masked. */
    @Override
    public String toString() {
        return "DriverEvent[time=" + time + ", message=" + message + ", details="
                + new TreeMap<>(Redaction.redact(details)) + "]";
    }

    /** Builds a {@link DriverEvent}; {@link #build()} checks every invariant at once. */
    public static final class Builder {
        private @Nullable String message;
        /** Holds nulls too, so {@link #build()} can name them. */
        private final Map<String, String> details = new LinkedHashMap<>();

        private @Nullable Instant time;

        private Builder() {}

        /**
         * Sets what happened (required, not blank).
         *
         * @param message in words an operator understands; never a secret
         * @return this builder
         */
        public Builder message(String message) {
            this.message = message;
            return this;
        }

        /**
         * Adds one detail, replacing an earlier value of the same key.
         *
         * @param key e.g. {@code image}
         * @param value its value
         * @return this builder
         */
        public Builder detail(String key, String value) {
            details.put(key, value);
            return this;
        }

        /**
         * Adds every detail of {@code details}, replacing earlier values of the same keys.
         *
         * @param details keys to values
         * @return this builder
         */
        public Builder details(Map<String, String> details) {
            Objects.requireNonNull(details, "details");
            this.details.putAll(details);
            return this;
        }

        /**
         * Sets when it happened; the time of {@link #build()} by default.
         *
         * @param time the time, not {@code null}
         * @return this builder
         */
        public Builder time(Instant time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        /**
         * The event.
         *
         * @return a new {@link DriverEvent}
         * @throws IllegalArgumentException naming every broken invariant: the message is missing or blank, a
         *         detail key or value is null
         */
        public DriverEvent build() {
            Invariants invariants = new Invariants("DriverEvent")
                    .required(message, "message")
                    .check(message == null || !message.isBlank(), "message", "must not be blank");
            details.forEach((key, value) -> invariants
                    .check(key != null, "details", "keys must not be null")
                    .check(key == null || value != null, "details." + key, "must not be null"));
            invariants.throwIfAny();
            return new DriverEvent(this, time != null ? time : Instant.now());
        }
    }
}
