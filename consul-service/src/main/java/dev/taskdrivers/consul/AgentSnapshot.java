package dev.taskdrivers.consul;

import java.util.List;
import java.util.Map;

/**
 * What the agent has, read once per sync: its services and checks by ID.
 *
 * @param services service ID to service
 * @param checks check ID to check
 */
record AgentSnapshot(Map<String, Service> services, Map<String, Check> checks) {

    AgentSnapshot {
        services = Map.copyOf(services);
        checks = Map.copyOf(checks);
    }

    /** A service as the agent reports it. */
    record Service(String id, String name, List<String> tags, String address, int port, Map<String, String> meta) {}

    /**
     * A check as the agent reports it.
     *
     * @param serviceId the service it belongs to, empty for node checks
     */
    record Check(String id, String name, String serviceId, String status, String output) {}
}
