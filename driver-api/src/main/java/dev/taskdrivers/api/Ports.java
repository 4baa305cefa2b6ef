package dev.taskdrivers.api;

import java.util.Map;

/** The invariants of a port map, shared by the types that carry one. */
final class Ports {
    private Ports() {}

    /** Records a problem for each blank label and each port that is missing or outside 1-65535. */
    static void check(Invariants invariants, String field, Map<String, Integer> portMap) {
        portMap.forEach((label, port) -> invariants
                .check(label != null && !label.isBlank(), field, "labels must not be blank")
                .check(
                        port != null && port >= 1 && port <= 65535,
                        field + "." + label,
                        "must be a port 1-65535, was " + port));
    }
}
