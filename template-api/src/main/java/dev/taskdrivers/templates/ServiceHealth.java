package dev.taskdrivers.templates;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The health statuses of a service instance, and the filter {@code service} takes after its {@code |}, as
 * consul-template reads it: {@code any}, or one or more of {@code passing}, {@code warning}, {@code critical},
 * {@code maintenance} separated by commas; without a filter, {@code passing}.
 */
public final class ServiceHealth {
    /** Every check passes. */
    public static final String PASSING = "passing";
    /** A check warns, none is critical. */
    public static final String WARNING = "warning";
    /** A check is critical. */
    public static final String CRITICAL = "critical";
    /** The node or the service is in maintenance mode. */
    public static final String MAINTENANCE = "maintenance";
    /** The filter that lists instances of every status. */
    public static final String ANY = "any";

    /** The statuses a filter may name, in the order consul-template ranks them. */
    public static final List<String> STATUSES = List.of(PASSING, WARNING, CRITICAL, MAINTENANCE);

    private ServiceHealth() {}

    /**
     * The statuses {@code filter} accepts: empty for {@code any}.
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown status, an empty entry, or {@code any}
     *     together with a status
     */
    public static Set<String> parseFilter(String filter) {
        Set<String> statuses = new TreeSet<>();
        boolean any = false;
        for (String entry : filter.split(",", -1)) {
            if (entry.equals(ANY)) {
                any = true;
            } else if (STATUSES.contains(entry)) {
                statuses.add(entry);
            } else {
                throw new IllegalArgumentException("unknown health status \"" + entry + "\": expected \"" + ANY
                        + "\" or one or more of " + String.join(", ", STATUSES) + " separated by commas");
            }
        }
        if (any && (!statuses.isEmpty() || filter.split(",", -1).length > 1)) {
            throw new IllegalArgumentException("\"" + ANY + "\" cannot be combined with other statuses");
        }
        return any ? Set.of() : Collections.unmodifiableSet(statuses);
    }

    /** The filter's text as {@link #parseFilter} reads it back: {@code any}, or the statuses sorted. */
    public static String filterText(Set<String> statuses) {
        if (statuses.isEmpty()) {
            return ANY;
        }
        String[] sorted = statuses.toArray(String[]::new);
        Arrays.sort(sorted);
        return String.join(",", sorted);
    }
}
