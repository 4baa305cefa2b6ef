package dev.taskdrivers.runner.services;

import dev.taskdrivers.services.ServiceRegistry;
import dev.taskdrivers.services.ServiceRegistryProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Selects a {@link ServiceRegistry} by name: {@code inprocess}, or a {@link ServiceRegistryProvider} found on the class path. */
public final class ServiceRegistries {
    private static final Map<String, String> ARTIFACTS = Map.of("consul", "dev.taskdrivers:consul-service");

    private ServiceRegistries() {}

    /**
     * Creates the registry named {@code name}.
     *
     * @throws IllegalArgumentException when no provider has that name; the message lists those found and the artifact
     *         to add
     */
    public static ServiceRegistry create(String name, Map<String, String> options, ClassLoader classLoader) {
        if (InProcessServiceRegistry.NAME.equals(name)) {
            if (!options.isEmpty()) {
                throw new IllegalArgumentException("the inprocess registry takes no options, got " + options.keySet());
            }
            return new InProcessServiceRegistry();
        }
        List<String> found = new ArrayList<>(List.of(InProcessServiceRegistry.NAME));
        for (ServiceRegistryProvider provider : ServiceLoader.load(ServiceRegistryProvider.class, classLoader)) {
            if (provider.name().equals(name)) {
                return provider.create(options);
            }
            found.add(provider.name());
        }
        String artifact = ARTIFACTS.get(name);
        throw new IllegalArgumentException("unknown service registry \"" + name + "\"; registries found: "
                + new TreeSet<>(found) + (artifact == null ? "" : "; add " + artifact + " to the class path"));
    }
}
