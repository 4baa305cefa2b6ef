package dev.taskdrivers.consul;

import dev.taskdrivers.consul.internal.CheckStatus;
import java.util.Map;

/**
 * The few agent calls the registry makes. One implementation talks to Consul; tests of the sync logic use a fake.
 * Every method throws {@link ConsulUnavailableException} when the agent cannot be reached or refuses the call.
 */
interface ConsulAgent extends AutoCloseable {

    /** The agent's services and checks: two reads. */
    AgentSnapshot read();

    /** The agent's checks by ID: one read. */
    Map<String, AgentSnapshot.Check> checks();

    /** Registers (or replaces) a service with exactly its checks: one write. */
    void register(WantedService service);

    /** Removes a service and its checks: one write. */
    void deregister(String serviceId);

    /** Removes a check that belongs to no wanted service: one write. */
    void deregisterCheck(String checkId);

    /**
     * Sets a TTL check's status and output: one write.
     *
     * @return false when the agent does not know the check
     */
    boolean updateTtl(String checkId, CheckStatus status, String output);

    /** The agent's datacenter: one read. */
    String datacenter();

    @Override
    void close();
}
