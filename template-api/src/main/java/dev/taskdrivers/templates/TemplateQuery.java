package dev.taskdrivers.templates;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing templates read from a {@link TemplateDataSource}. Equal queries are one watch: the runner asks the
 * source once for all the templates that read it.
 *
 * @param kind what is read
 * @param name the key, the key prefix, or the service name; empty for {@link Kind#SERVICES}
 * @param tag for {@link Kind#SERVICE}, only instances with this tag; {@code null} for any
 * @param passingOnly for {@link Kind#SERVICE}, only instances whose checks all pass (the default), else all
 */
public record TemplateQuery(
        Kind kind, String name, @Nullable String tag, boolean passingOnly) {
    /** The kinds of data. */
    public enum Kind {
        /** One key's value ({@code key}, {@code keyOrDefault}). */
        KEY,
        /** Every key under a prefix ({@code ls} keeps the top level, {@code tree} all). */
        KEY_PREFIX,
        /** The instances of a service ({@code service}). */
        SERVICE,
        /** The services of the catalog and their tags ({@code services}). */
        SERVICES
    }

    public TemplateQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
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

    public static TemplateQuery services() {
        return new TemplateQuery(Kind.SERVICES, "", null, false);
    }

    /** How events name it, as consul-template does, e.g. {@code kv.block(app/config)}. */
    public String describe() {
        return switch (kind) {
            case KEY -> "kv.block(" + name + ")";
            case KEY_PREFIX -> "kv.list(" + name + ")";
            case SERVICE ->
                "health.service(" + (tag == null ? "" : tag + ".") + name + (passingOnly ? "|passing" : "") + ")";
            case SERVICES -> "catalog.services";
        };
    }
}
