package dev.taskdrivers.consul;

import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceRegistryProvider;
import java.util.Map;

/**
 * The {@code consul} registry provider. Options (all strings): {@code address} (default
 * {@code http://127.0.0.1:8500}), {@code token} or {@code token_file}, {@code datacenter}, {@code tls_ca_file},
 * {@code tls_skip_verify}, {@code id_prefix}, {@code resync_interval}, {@code probation}, {@code shutdown_timeout},
 * {@code max_backoff}; see {@link ConsulOptions#parse}. Each call returns a new registry.
 */
public final class ConsulRegistryProvider implements ServiceRegistryProvider {

    @Override
    public String name() {
        return "consul";
    }

    /**
     * @throws dev.taskdrivers.api.ValidationException listing every problem of the options
     */
    @Override
    public ServiceRegistry create(Map<String, String> options) {
        return ConsulServiceRegistry.start(ConsulOptions.parse(options));
    }
}
