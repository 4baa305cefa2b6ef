package dev.taskdrivers.services;

import java.util.Locale;

/**
 * Which catalog a service is registered in, as Nomad's {@code provider}: all services of one group use the same.
 */
public enum ServiceProvider {
    /** The runner's {@link ServiceRegistry} (Consul's in {@code consul-service}, or the in-process one). */
    CONSUL,
    /**
     * The runner's own catalog of Nomad native service discovery, read by templates' {@code nomadService} and
     * {@code nomadServices}; a {@link ServiceRegistry} never sees these services.
     */
    NOMAD;

    /** The name as a job spec writes it: {@code consul} or {@code nomad}. */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
