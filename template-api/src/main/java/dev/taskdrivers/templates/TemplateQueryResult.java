package dev.taskdrivers.templates;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link TemplateQuery} returned at one moment. Only the part of its kind is filled: {@link #value} for
 * {@link TemplateQuery.Kind#KEY} ({@code null} when the key does not exist), {@link #keys} for
 * {@link TemplateQuery.Kind#KEY_PREFIX}, {@link #instances} for {@link TemplateQuery.Kind#SERVICE},
 * {@link #services} for {@link TemplateQuery.Kind#SERVICES} and {@link TemplateQuery.Kind#NOMAD_SERVICES},
 * {@link #registrations} for {@link TemplateQuery.Kind#NOMAD_SERVICE}.
 */
public record TemplateQueryResult(
        @Nullable String value,
        List<KeyValue> keys,
        List<ServiceInstance> instances,
        List<CatalogService> services,
        List<NomadServiceRegistration> registrations) {
    public TemplateQueryResult {
        keys = List.copyOf(keys);
        instances = List.copyOf(instances);
        services = List.copyOf(services);
        registrations = List.copyOf(registrations);
    }

    /** A result without Nomad registrations. */
    public TemplateQueryResult(
            @Nullable String value,
            List<KeyValue> keys,
            List<ServiceInstance> instances,
            List<CatalogService> services) {
        this(value, keys, instances, services, List.of());
    }

    /** A key's value; {@code null} when the key does not exist. */
    public static TemplateQueryResult ofValue(@Nullable String value) {
        return new TemplateQueryResult(value, List.of(), List.of(), List.of());
    }

    /** The keys under a prefix, whole keys, in any order. */
    public static TemplateQueryResult ofKeys(List<KeyValue> keys) {
        return new TemplateQueryResult(null, Objects.requireNonNull(keys), List.of(), List.of());
    }

    public static TemplateQueryResult ofInstances(List<ServiceInstance> instances) {
        return new TemplateQueryResult(null, List.of(), Objects.requireNonNull(instances), List.of());
    }

    public static TemplateQueryResult ofServices(List<CatalogService> services) {
        return new TemplateQueryResult(null, List.of(), List.of(), Objects.requireNonNull(services));
    }

    /** The registrations of a service in Nomad's native catalog. */
    public static TemplateQueryResult ofRegistrations(List<NomadServiceRegistration> registrations) {
        return new TemplateQueryResult(null, List.of(), List.of(), List.of(), Objects.requireNonNull(registrations));
    }
}
