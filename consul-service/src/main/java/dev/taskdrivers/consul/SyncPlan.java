package dev.taskdrivers.consul;

import dev.taskdrivers.consul.internal.ServiceIds;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The writes one sync needs: what to register because it is missing or differs, and what of ours to remove. Pure:
 * computed from the wanted state and one read of the agent.
 *
 * @param register services to register (with all their checks, replacing the agent's)
 * @param deregisterServices IDs of our services nobody wants
 * @param deregisterChecks IDs of our checks left on no service of ours
 */
record SyncPlan(List<WantedService> register, List<String> deregisterServices, List<String> deregisterChecks) {

    boolean isEmpty() {
        return register.isEmpty() && deregisterServices.isEmpty() && deregisterChecks.isEmpty();
    }

    /**
     * @param wanted every wanted service by ID
     * @param agent what the agent has
     * @param ids which IDs are ours
     * @param removeUnknown whether services of ours that are not wanted may be removed (false during probation)
     * @param removed IDs explicitly removed by the runner, removed even during probation
     */
    static SyncPlan compute(
            Map<String, WantedService> wanted,
            AgentSnapshot agent,
            ServiceIds ids,
            boolean removeUnknown,
            Set<String> removed) {
        List<WantedService> register = new ArrayList<>();
        for (WantedService w : wanted.values()) {
            AgentSnapshot.Service have = agent.services().get(w.id());
            if (have == null
                    || differs(have, w)
                    || !ourChecksOf(w.id(), agent, ids).equals(w.checkIds())) {
                register.add(w);
            }
        }
        List<String> deregister = new ArrayList<>();
        for (String id : agent.services().keySet()) {
            if (ids.ownsService(id) && !wanted.containsKey(id) && (removeUnknown || removed.contains(id))) {
                deregister.add(id);
            }
        }
        List<String> checks = new ArrayList<>();
        for (AgentSnapshot.Check c : agent.checks().values()) {
            boolean onOurService =
                    ids.ownsService(c.serviceId()) && agent.services().containsKey(c.serviceId());
            if (ids.ownsCheck(c.id()) && !onOurService && removeUnknown) {
                checks.add(c.id());
            }
        }
        return new SyncPlan(register, deregister, checks);
    }

    private static boolean differs(AgentSnapshot.Service have, WantedService w) {
        String address = w.address() == null ? "" : w.address();
        return !have.name().equals(w.name())
                || !have.tags().equals(w.tags())
                || !Objects.equals(nullToEmpty(have.address()), address)
                || have.port() != w.port()
                || !have.meta().equals(w.meta());
    }

    private static Set<String> ourChecksOf(String serviceId, AgentSnapshot agent, ServiceIds ids) {
        Collection<AgentSnapshot.Check> all = agent.checks().values();
        return all.stream()
                .filter(c -> c.serviceId().equals(serviceId) && ids.ownsCheck(c.id()))
                .map(AgentSnapshot.Check::id)
                .collect(Collectors.toSet());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
