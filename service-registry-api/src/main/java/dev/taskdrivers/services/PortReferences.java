package dev.taskdrivers.services;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the {@code port} of a service or check names: a port label of the task (or of its group's network), or, as in
 * Nomad, a port number that no label names (a service of a group in {@code bridge} mode written {@code port =
 * "9001"}). A label wins over a number; a number is advertised as it is, at the address its address mode gives (the
 * host's in {@code host} mode, the driver's in {@code driver} mode, the allocation's in {@code alloc} mode).
 */
public final class PortReferences {
    private PortReferences() {}

    /**
     * The port number a reference stands for when no label of that name exists.
     *
     * @param reference a service's or check's {@code port}
     * @return the number when the reference is a whole number from 1 to 65535 written in decimal digits, else empty
     */
    public static OptionalInt literalPort(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.isEmpty() || reference.length() > 5 || !reference.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalInt.empty();
        }
        int port = Integer.parseInt(reference);
        return port >= 1 && port <= 65535 ? OptionalInt.of(port) : OptionalInt.empty();
    }
}
