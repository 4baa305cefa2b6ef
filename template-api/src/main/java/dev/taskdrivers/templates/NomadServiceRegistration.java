package dev.taskdrivers.templates;

import java.util.List;
import java.util.Objects;

/**
 * One registration of a service in Nomad's native catalog ({@code provider = "nomad"}), as {@code nomadService}
 * hands it to a template ({@code .ID}, {@code .Name}, {@code .Namespace}, {@code .Node}, {@code .Datacenter},
 * {@code .JobID}, {@code .AllocID}, {@code .Tags}, {@code .Address}, {@code .Port}).
 *
 * @param id the registration's ID, unique per allocation, task and service
 * @param serviceName the service's name
 * @param namespace the job's namespace
 * @param nodeId the node that runs it
 * @param datacenter the job's datacenter
 * @param jobId the job's ID
 * @param allocId the allocation's ID
 * @param taskName the task that advertises it
 * @param tags its tags
 * @param address its address
 * @param port its port, 0 when the service names none
 */
public record NomadServiceRegistration(
        String id,
        String serviceName,
        String namespace,
        String nodeId,
        String datacenter,
        String jobId,
        String allocId,
        String taskName,
        List<String> tags,
        String address,
        int port) {
    public NomadServiceRegistration {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(datacenter, "datacenter");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(allocId, "allocId");
        Objects.requireNonNull(taskName, "taskName");
        tags = List.copyOf(tags);
        Objects.requireNonNull(address, "address");
    }
}
