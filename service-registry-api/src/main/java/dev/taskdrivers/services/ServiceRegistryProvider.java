package dev.taskdrivers.services;

import java.util.Map;

/**
 * Creates a {@link ServiceRegistry} by name, found through {@link java.util.ServiceLoader} (e.g. {@code consul} from
 * the consul-service module), so the runner and its command line need no compile-time dependency on it.
 */
public interface ServiceRegistryProvider {

    /** The name users select, e.g. {@code consul}. */
    String name();

    /** A new registry. Options are provider-specific, e.g. {@code address}, {@code token}. */
    ServiceRegistry create(Map<String, String> options);
}
