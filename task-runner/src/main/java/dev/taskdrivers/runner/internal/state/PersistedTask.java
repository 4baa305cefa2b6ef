package dev.taskdrivers.runner.internal.state;

import dev.taskdrivers.runner.spec.JobSpec;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything a runner needs to take a task over after a restart, as written to its state file.
 *
 * @param format the file format version ({@link TaskStateCodec#FORMAT} once read: older files are migrated)
 * @param allocId the allocation
 * @param jobName the job
 * @param jobType the job's type ({@code service} or {@code batch})
 * @param groupName the group
 * @param allocIndex the allocation's index in its group
 * @param datacenter {@code NOMAD_DC}
 * @param region {@code NOMAD_REGION}
 * @param jobMeta the job's metadata
 * @param groupMeta the group's metadata
 * @param task the task spec in its JSON form (with its effective restart policy)
 * @param ports host ports granted
 * @param portMap the driver's port map from prestart
 * @param envOverrides the driver's environment overrides from prestart
 * @param status the task state name
 * @param handle the driver's reattach state, when it runs
 * @param created what the driver created
 * @param network the driver network, when it has one
 * @param restartCount restarts so far
 * @param restartWindowStart epoch millis when the current restart window opened, 0 when none
 * @param restartWindowCount restarts within that window
 * @param lastExit how it last ended
 * @param failed whether it failed for good
 * @param cleanedUp whether its resources were removed
 * @param events its most recent events
 * @param jobDigest the fingerprint of the whole job spec the task was submitted with ({@code null} in files written
 *        before it was kept), so a runner can tell the same job from a changed one
 * @param groupShutdownDelayMillis the group's shutdown delay in milliseconds (0 when none, and in files of formats
 *        before 3)
 * @param jobIdentity the job's namespace, ID and parent ID ({@code null} in files written before they were kept: the
 *        defaults then)
 */
public record PersistedTask(
        int format,
        String allocId,
        String jobName,
        String jobType,
        String groupName,
        int allocIndex,
        String datacenter,
        String region,
        Map<String, String> jobMeta,
        Map<String, String> groupMeta,
        Map<String, Object> task,
        List<PortRecord> ports,
        Map<String, Integer> portMap,
        Map<String, String> envOverrides,
        String status,
        HandleRecord handle,
        Map<String, List<String>> created,
        NetworkRecord network,
        int restartCount,
        long restartWindowStart,
        int restartWindowCount,
        ExitRecord lastExit,
        boolean failed,
        boolean cleanedUp,
        List<EventRecord> events,
        String jobDigest,
        long groupShutdownDelayMillis,
        @Nullable JobIdentity jobIdentity) {

    /** A task without a job identity of its own: namespace {@code default}, the job's name as its ID. */
    @SuppressWarnings("InlineMeSuggester") // a record's canonical constructor cannot be inlined into
    public PersistedTask(
            int format,
            String allocId,
            String jobName,
            String jobType,
            String groupName,
            int allocIndex,
            String datacenter,
            String region,
            Map<String, String> jobMeta,
            Map<String, String> groupMeta,
            Map<String, Object> task,
            List<PortRecord> ports,
            Map<String, Integer> portMap,
            Map<String, String> envOverrides,
            String status,
            HandleRecord handle,
            Map<String, List<String>> created,
            NetworkRecord network,
            int restartCount,
            long restartWindowStart,
            int restartWindowCount,
            ExitRecord lastExit,
            boolean failed,
            boolean cleanedUp,
            List<EventRecord> events,
            String jobDigest,
            long groupShutdownDelayMillis) {
        this(
                format,
                allocId,
                jobName,
                jobType,
                groupName,
                allocIndex,
                datacenter,
                region,
                jobMeta,
                groupMeta,
                task,
                ports,
                portMap,
                envOverrides,
                status,
                handle,
                created,
                network,
                restartCount,
                restartWindowStart,
                restartWindowCount,
                lastExit,
                failed,
                cleanedUp,
                events,
                jobDigest,
                groupShutdownDelayMillis,
                null);
    }

    /** This task with {@code identity} as its job's. */
    public PersistedTask withJobIdentity(@Nullable JobIdentity identity) {
        return new PersistedTask(
                format,
                allocId,
                jobName,
                jobType,
                groupName,
                allocIndex,
                datacenter,
                region,
                jobMeta,
                groupMeta,
                task,
                ports,
                portMap,
                envOverrides,
                status,
                handle,
                created,
                network,
                restartCount,
                restartWindowStart,
                restartWindowCount,
                lastExit,
                failed,
                cleanedUp,
                events,
                jobDigest,
                groupShutdownDelayMillis,
                identity);
    }

    /** {@code NOMAD_NAMESPACE}, {@code NOMAD_JOB_ID} and {@code NOMAD_JOB_PARENT_ID} of the task's job. */
    public record JobIdentity(
            String namespace, String id, @Nullable String parentId) {
        public static JobIdentity of(JobSpec job) {
            return new JobIdentity(job.namespace(), job.id(), job.parentId());
        }
    }

    /** A task of a group without a shutdown delay. */
    @SuppressWarnings("InlineMeSuggester") // a record's canonical constructor cannot be inlined into
    public PersistedTask(
            int format,
            String allocId,
            String jobName,
            String jobType,
            String groupName,
            int allocIndex,
            String datacenter,
            String region,
            Map<String, String> jobMeta,
            Map<String, String> groupMeta,
            Map<String, Object> task,
            List<PortRecord> ports,
            Map<String, Integer> portMap,
            Map<String, String> envOverrides,
            String status,
            HandleRecord handle,
            Map<String, List<String>> created,
            NetworkRecord network,
            int restartCount,
            long restartWindowStart,
            int restartWindowCount,
            ExitRecord lastExit,
            boolean failed,
            boolean cleanedUp,
            List<EventRecord> events,
            String jobDigest) {
        this(
                format,
                allocId,
                jobName,
                jobType,
                groupName,
                allocIndex,
                datacenter,
                region,
                jobMeta,
                groupMeta,
                task,
                ports,
                portMap,
                envOverrides,
                status,
                handle,
                created,
                network,
                restartCount,
                restartWindowStart,
                restartWindowCount,
                lastExit,
                failed,
                cleanedUp,
                events,
                jobDigest,
                0);
    }

    /** A granted host port. */
    public record PortRecord(String label, int value, String hostIp) {}

    /** A driver's reattach state. */
    public record HandleRecord(String driver, int version, Map<String, String> data) {}

    /** A driver network. */
    public record NetworkRecord(String ip, Map<String, Integer> portMap, boolean autoAdvertise) {}

    /** How a task ended. */
    public record ExitRecord(int exitCode, int signal, boolean oomKilled, String error) {}

    /** A task event; {@code time} in epoch millis. */
    public record EventRecord(String type, long time, String message, Map<String, String> details) {}
}
