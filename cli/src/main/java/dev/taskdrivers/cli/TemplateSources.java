package dev.taskdrivers.cli;

import dev.taskdrivers.consul.ConsulOptions;
import dev.taskdrivers.consul.ConsulTemplateData;
import dev.taskdrivers.templates.InProcessTemplateData;
import dev.taskdrivers.templates.TemplateDataSource;
import java.util.Map;

/**
 * Where {@code run}'s templates read keys and services: from Consul when the services go to Consul (the same agent
 * address, token and TLS as the registry's options), else from an empty in-process source.
 */
final class TemplateSources {
    static final String CONSUL = "consul";

    private TemplateSources() {}

    /**
     * @throws dev.taskdrivers.api.ValidationException when the Consul options are invalid
     */
    static TemplateDataSource forRegistry(String registryName, Map<String, String> registryOptions) {
        if (CONSUL.equals(registryName)) {
            return ConsulTemplateData.create(ConsulOptions.parse(registryOptions));
        }
        return new InProcessTemplateData();
    }
}
