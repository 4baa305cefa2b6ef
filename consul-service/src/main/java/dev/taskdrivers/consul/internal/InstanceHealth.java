package dev.taskdrivers.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.taskdrivers.templates.ServiceHealth;

/**
 * The status of one entry of Consul's {@code /v1/health/service}, from its checks (the node's and the service's), as
 * consul-template aggregates them: maintenance when the node or the service is in maintenance mode, else the worst
 * status of a check (critical, then warning), else passing.
 */
public final class InstanceHealth {
    /** The check Consul adds while the node is in maintenance mode. */
    static final String NODE_MAINTENANCE = "_node_maintenance";
    /** The prefix of the check Consul adds while a service is in maintenance mode. */
    static final String SERVICE_MAINTENANCE_PREFIX = "_service_maintenance:";

    private InstanceHealth() {}

    /** The status of an entry whose {@code Checks} array is {@code checks}. */
    public static String of(JsonNode checks) {
        boolean warning = false;
        boolean critical = false;
        for (JsonNode check : checks) {
            String id = check.path("CheckID").asText();
            if (id.equals(NODE_MAINTENANCE) || id.startsWith(SERVICE_MAINTENANCE_PREFIX)) {
                return ServiceHealth.MAINTENANCE;
            }
            switch (check.path("Status").asText()) {
                case ServiceHealth.CRITICAL -> critical = true;
                case ServiceHealth.WARNING -> warning = true;
                default -> {
                    // passing
                }
            }
        }
        return critical ? ServiceHealth.CRITICAL : warning ? ServiceHealth.WARNING : ServiceHealth.PASSING;
    }
}
