package dev.taskdrivers.templates;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One thing templates read from a {@link TemplateDataSource}. Equal queries are one watch: the runner asks the
 * source once for all the templates that read it.
 *
 * @param kind what is read
 * @param name the key, the key prefix, or the service name; empty for {@link Kind#SERVICES} and
 *     {@link Kind#NOMAD_SERVICES}
 * @param tag for {@link Kind#SERVICE} and {@link Kind#NOMAD_SERVICE}, only instances with this tag; {@code null} for
 *     any
 * @param statuses for {@link Kind#SERVICE}, the {@link ServiceHealth} statuses of the instances listed (by default
 *     {@code passing} alone); empty for all instances, whatever their status
 */
public record TemplateQuery(
        Kind kind, String name, @Nullable String tag, Set<String> statuses) {
    /**
     * The kinds of data. More may be added in any release (a compatible change): a {@link TemplateDataSource} answers
     * a kind it does not read, however new, by throwing {@link UnsupportedOperationException} from
     * {@link TemplateDataSource#watch}, so code that switches on a kind keeps a {@code default} branch.
     */
    public enum Kind {
        /** One key's value ({@code key}, {@code keyOrDefault}). */
        KEY,
        /** Every key under a prefix ({@code ls} keeps the top level, {@code tree} all). */
        KEY_PREFIX,
        /** The instances of a service ({@code service}). */
        SERVICE,
        /** The services of the catalog and their tags ({@code services}). */
        SERVICES,
        /**
         * The registrations of a service in Nomad's native catalog ({@code nomadService}); answered by the runner's
         * own catalog, never asked of a {@link TemplateDataSource}.
         */
        NOMAD_SERVICE,
        /** The services of Nomad's native catalog and their tags ({@code nomadServices}); answered by the runner. */
        NOMAD_SERVICES;

        /** Whether the runner answers it from its own catalog of {@code provider = "nomad"} services. */
        public boolean nomadCatalog() {
            return this == NOMAD_SERVICE || this == NOMAD_SERVICES;
        }
    }

    public TemplateQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        statuses = Set.copyOf(statuses);
        for (String status : statuses) {
            if (!ServiceHealth.STATUSES.contains(status)) {
                throw new IllegalArgumentException("unknown health status \"" + status + "\"");
            }
        }
    }

    /** A query listing passing instances only ({@code passingOnly}) or all of them. */
    public TemplateQuery(Kind kind, String name, @Nullable String tag, boolean passingOnly) {
        this(kind, name, tag, passingOnly ? Set.of(ServiceHealth.PASSING) : Set.of());
    }

    /** Whether only passing instances are listed (the default of {@code service}). */
    public boolean passingOnly() {
        return statuses.equals(Set.of(ServiceHealth.PASSING));
    }

    /** Whether an instance of {@code status} is listed. */
    public boolean accepts(String status) {
        return statuses.isEmpty() || statuses.contains(status);
    }

    public static TemplateQuery key(String key) {
        return new TemplateQuery(Kind.KEY, key, null, false);
    }

    public static TemplateQuery keyPrefix(String prefix) {
        return new TemplateQuery(Kind.KEY_PREFIX, prefix, null, false);
    }

    public static TemplateQuery service(String name, @Nullable String tag, boolean passingOnly) {
        return new TemplateQuery(Kind.SERVICE, name, tag, passingOnly);
    }

    /** The instances of a service whose status is one of {@code statuses}; all of them when it is empty. */
    public static TemplateQuery service(String name, @Nullable String tag, Set<String> statuses) {
        return new TemplateQuery(Kind.SERVICE, name, tag, statuses);
    }

    public static TemplateQuery services() {
        return new TemplateQuery(Kind.SERVICES, "", null, false);
    }

    /** The registrations of a service in Nomad's native catalog, only those with {@code tag} unless it is null. */
    public static TemplateQuery nomadService(String name, @Nullable String tag) {
        return new TemplateQuery(Kind.NOMAD_SERVICE, name, tag, false);
    }

    public static TemplateQuery nomadServices() {
        return new TemplateQuery(Kind.NOMAD_SERVICES, "", null, false);
    }

    /** How events name it, as consul-template does, e.g. {@code kv.block(app/config)}. */
    public String describe() {
        return switch (kind) {
            case KEY -> "kv.block(" + name + ")";
            case KEY_PREFIX -> "kv.list(" + name + ")";
            case SERVICE ->
                "health.service(" + (tag == null ? "" : tag + ".") + name
                        + (statuses.isEmpty() ? "" : "|" + ServiceHealth.filterText(statuses)) + ")";
            case SERVICES -> "catalog.services";
            case NOMAD_SERVICE -> "nomad.service(" + (tag == null ? "" : tag + ".") + name + ")";
            case NOMAD_SERVICES -> "nomad.services";
        };
    }
}
