package dev.taskdrivers.runner.internal.catalog;

import dev.taskdrivers.runner.internal.interpolation.NodeVariables;
import dev.taskdrivers.runner.services.ServiceAddress;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import dev.taskdrivers.templates.NomadServiceRegistration;
import java.util.ArrayList;
import java.util.List;

/** Turns a running task's Nomad services into catalog registrations, at the addresses Consul would advertise. */
public final class NomadRegistrations {
    private NomadRegistrations() {}

    /**
     * The registrations of {@code task}'s services, whose provider the caller has checked.
     *
     * @param job where the task runs: its job's ID, namespace and datacenter and this node's ID
     * @throws IllegalArgumentException when a service's address cannot be resolved (an unknown port label, driver
     *     mode without a driver network)
     */
    public static List<NomadServiceRegistration> of(TaskServices task, JobPlace job) {
        List<NomadServiceRegistration> out = new ArrayList<>();
        for (ServiceSpec s : task.services()) {
            ServiceAddress at = ServiceAddress.resolve(s.addressMode(), s.address(), s.portLabel(), task);
            out.add(new NomadServiceRegistration(
                    // Nomad's form: _nomad-task-ALLOC-TASK-SERVICE-PORT, unique per allocation, task and service
                    "_nomad-task-" + task.taskId().allocId() + "-"
                            + task.taskId().taskName() + "-" + s.name() + "-"
                            + (s.portLabel() == null ? "" : s.portLabel()),
                    s.name(),
                    job.namespace(),
                    job.nodeId(),
                    job.datacenter(),
                    job.jobId(),
                    task.taskId().allocId(),
                    task.taskId().taskName(),
                    s.tags(),
                    at.ip(),
                    at.port()));
        }
        return out;
    }

    /**
     * Where a task's services are registered from.
     *
     * @param jobId the job's ID
     * @param namespace the job's namespace
     * @param datacenter the job's datacenter
     * @param nodeId this node's ID
     */
    public record JobPlace(String jobId, String namespace, String datacenter, String nodeId) {
        /** Where the tasks of {@code job} run on this node. */
        public static JobPlace of(JobSpec job, NodeVariables node) {
            return new JobPlace(
                    job.id(),
                    job.namespace(),
                    job.datacenter(),
                    node.get("node.unique.id", job.datacenter()).orElse("local"));
        }
    }
}
