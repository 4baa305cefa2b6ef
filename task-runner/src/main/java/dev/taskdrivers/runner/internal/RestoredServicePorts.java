package dev.taskdrivers.runner.internal;

import dev.taskdrivers.runner.spec.PortSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks of an allocation being taken over, without the services that name a port none of them has: a service may
 * name a group port granted to a sibling whose state file could not be read, and the others are still taken over
 * (their group must pass the job's rules again). Such a service could not be registered anyway.
 */
final class RestoredServicePorts {
    private static final Logger LOG = LoggerFactory.getLogger(RestoredServicePorts.class);

    private RestoredServicePorts() {}

    static List<TaskSpec> withReachablePorts(String allocId, List<TaskSpec> specs) {
        List<TaskSpec> result = new ArrayList<>(specs.size());
        for (TaskSpec task : specs) {
            Set<String> labels = new HashSet<>();
            task.ports().forEach(p -> labels.add(p.label()));
            specs.stream()
                    .filter(other -> other != task)
                    .flatMap(other -> other.ports().stream())
                    .filter(PortSpec::sharedWithGroup)
                    .forEach(p -> labels.add(p.label()));
            List<ServiceSpec> kept = task.services().stream()
                    .filter(s ->
                            labels.containsAll(s.toBuilder().portReferences().values()))
                    .toList();
            if (kept.size() == task.services().size()) {
                result.add(task);
            } else {
                LOG.warn(
                        "task {} of allocation {}: services naming a port no recovered task has are not registered"
                                + " (the task holding it was not recovered)",
                        task.name(),
                        allocId);
                result.add(task.withServices(kept));
            }
        }
        return result;
    }
}
