package dev.taskdrivers.runner.internal.state;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.ExitResult;
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
 * @param runDeadline the allocation's {@code max_run_duration}, when its deadline is and whether it was reached
 *        ({@code null} when the group has none, and in files of formats before 5)
 * @param groupNetwork the group's network mode and, in {@code bridge} mode, the network its tasks share ({@code null}
 *        in files of formats before 6: the mode is then unknown)
 * @param groupVolumes the group's volumes in the spec's JSON shape ({@code null} when it has none, and in files
 *        written before they were kept)
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
        @Nullable JobIdentity jobIdentity,
        @Nullable RunDeadline runDeadline,
        @Nullable GroupNetworkRecord groupNetwork,
        @Nullable Map<String, Object> groupVolumes) {

    /** A builder with every field unset (null, 0 or false), {@code format} at {@link TaskStateCodec#FORMAT}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this task's values, to write a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.format = format;
        b.allocId = allocId;
        b.jobName = jobName;
        b.jobType = jobType;
        b.groupName = groupName;
        b.allocIndex = allocIndex;
        b.datacenter = datacenter;
        b.region = region;
        b.jobMeta = jobMeta;
        b.groupMeta = groupMeta;
        b.task = task;
        b.ports = ports;
        b.portMap = portMap;
        b.envOverrides = envOverrides;
        b.status = status;
        b.handle = handle;
        b.created = created;
        b.network = network;
        b.restartCount = restartCount;
        b.restartWindowStart = restartWindowStart;
        b.restartWindowCount = restartWindowCount;
        b.lastExit = lastExit;
        b.failed = failed;
        b.cleanedUp = cleanedUp;
        b.events = events;
        b.jobDigest = jobDigest;
        b.groupShutdownDelayMillis = groupShutdownDelayMillis;
        b.jobIdentity = jobIdentity;
        b.runDeadline = runDeadline;
        b.groupNetwork = groupNetwork;
        b.groupVolumes = groupVolumes;
        return b;
    }

    /** Builds a {@link PersistedTask} field by field, so a new field does not change every caller. */
    public static final class Builder {
        private int format = TaskStateCodec.FORMAT;
        private @Nullable String allocId;
        private @Nullable String jobName;
        private @Nullable String jobType;
        private @Nullable String groupName;
        private int allocIndex;
        private @Nullable String datacenter;
        private @Nullable String region;
        private @Nullable Map<String, String> jobMeta;
        private @Nullable Map<String, String> groupMeta;
        private @Nullable Map<String, Object> task;
        private @Nullable List<PortRecord> ports;
        private @Nullable Map<String, Integer> portMap;
        private @Nullable Map<String, String> envOverrides;
        private @Nullable String status;
        private @Nullable HandleRecord handle;
        private @Nullable Map<String, List<String>> created;
        private @Nullable NetworkRecord network;
        private int restartCount;
        private long restartWindowStart;
        private int restartWindowCount;
        private @Nullable ExitRecord lastExit;
        private boolean failed;
        private boolean cleanedUp;
        private @Nullable List<EventRecord> events;
        private @Nullable String jobDigest;
        private long groupShutdownDelayMillis;
        private @Nullable JobIdentity jobIdentity;
        private @Nullable RunDeadline runDeadline;
        private @Nullable GroupNetworkRecord groupNetwork;
        private @Nullable Map<String, Object> groupVolumes;

        private Builder() {}

        public Builder format(int value) {
            this.format = value;
            return this;
        }

        public Builder allocId(@Nullable String value) {
            this.allocId = value;
            return this;
        }

        public Builder jobName(@Nullable String value) {
            this.jobName = value;
            return this;
        }

        public Builder jobType(@Nullable String value) {
            this.jobType = value;
            return this;
        }

        public Builder groupName(@Nullable String value) {
            this.groupName = value;
            return this;
        }

        public Builder allocIndex(int value) {
            this.allocIndex = value;
            return this;
        }

        public Builder datacenter(@Nullable String value) {
            this.datacenter = value;
            return this;
        }

        public Builder region(@Nullable String value) {
            this.region = value;
            return this;
        }

        public Builder jobMeta(@Nullable Map<String, String> value) {
            this.jobMeta = value;
            return this;
        }

        public Builder groupMeta(@Nullable Map<String, String> value) {
            this.groupMeta = value;
            return this;
        }

        public Builder task(@Nullable Map<String, Object> value) {
            this.task = value;
            return this;
        }

        public Builder ports(@Nullable List<PortRecord> value) {
            this.ports = value;
            return this;
        }

        public Builder portMap(@Nullable Map<String, Integer> value) {
            this.portMap = value;
            return this;
        }

        public Builder envOverrides(@Nullable Map<String, String> value) {
            this.envOverrides = value;
            return this;
        }

        public Builder status(@Nullable String value) {
            this.status = value;
            return this;
        }

        public Builder handle(@Nullable HandleRecord value) {
            this.handle = value;
            return this;
        }

        public Builder created(@Nullable Map<String, List<String>> value) {
            this.created = value;
            return this;
        }

        public Builder network(@Nullable NetworkRecord value) {
            this.network = value;
            return this;
        }

        public Builder restartCount(int value) {
            this.restartCount = value;
            return this;
        }

        public Builder restartWindowStart(long value) {
            this.restartWindowStart = value;
            return this;
        }

        public Builder restartWindowCount(int value) {
            this.restartWindowCount = value;
            return this;
        }

        public Builder lastExit(@Nullable ExitRecord value) {
            this.lastExit = value;
            return this;
        }

        public Builder failed(boolean value) {
            this.failed = value;
            return this;
        }

        public Builder cleanedUp(boolean value) {
            this.cleanedUp = value;
            return this;
        }

        public Builder events(@Nullable List<EventRecord> value) {
            this.events = value;
            return this;
        }

        public Builder jobDigest(@Nullable String value) {
            this.jobDigest = value;
            return this;
        }

        public Builder groupShutdownDelayMillis(long value) {
            this.groupShutdownDelayMillis = value;
            return this;
        }

        public Builder jobIdentity(@Nullable JobIdentity value) {
            this.jobIdentity = value;
            return this;
        }

        public Builder runDeadline(@Nullable RunDeadline value) {
            this.runDeadline = value;
            return this;
        }

        public Builder groupNetwork(@Nullable GroupNetworkRecord value) {
            this.groupNetwork = value;
            return this;
        }

        public Builder groupVolumes(@Nullable Map<String, Object> value) {
            this.groupVolumes = value;
            return this;
        }

        @SuppressWarnings("NullAway") // the record's fields may be null where a file lacks them
        public PersistedTask build() {
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
                    jobIdentity,
                    runDeadline,
                    groupNetwork,
                    groupVolumes);
        }
    }

    /** {@code NOMAD_NAMESPACE}, {@code NOMAD_JOB_ID} and {@code NOMAD_JOB_PARENT_ID} of the task's job. */
    public record JobIdentity(
            String namespace, String id, @Nullable String parentId) {
        public static JobIdentity of(JobSpec job) {
            return new JobIdentity(job.namespace(), job.id(), job.parentId());
        }
    }

    /**
     * The allocation's run deadline: its group's {@code max_run_duration} in milliseconds, the epoch millis when it
     * ends (counted from the allocation's start) and whether the allocation was stopped by it.
     */
    public record RunDeadline(long maxRunMillis, long deadlineMillis, boolean expired) {
        /** The allocation's description once the deadline ended it. */
        public String description() {
            return "allocation exceeded max_run_duration of " + format(java.time.Duration.ofMillis(maxRunMillis));
        }

        /** {@code 1h30m}, {@code 5s}, {@code 1500ms}: as the duration is written in a job file. */
        public static String format(java.time.Duration d) {
            if (d.toMillisPart() != 0 || d.isZero()) {
                return d.toMillis() + "ms";
            }
            StringBuilder out = new StringBuilder();
            if (d.toHours() > 0) {
                out.append(d.toHours()).append('h');
            }
            if (d.toMinutesPart() > 0) {
                out.append(d.toMinutesPart()).append('m');
            }
            if (d.toSecondsPart() > 0) {
                out.append(d.toSecondsPart()).append('s');
            }
            return out.toString();
        }
    }

    /**
     * The group's network as every task of the allocation records it: its mode ({@link #HOST} or {@link #BRIDGE});
     * in bridge mode the driver that creates the network and, once created, the driver's id of it and the config
     * entries tasks join it with, and whether it was destroyed after the allocation's last task ended.
     */
    public record GroupNetworkRecord(
            String mode,
            @Nullable String driver,
            @Nullable String id,
            Map<String, Object> taskOptions,
            boolean destroyed) {
        public static final String HOST = "host";
        public static final String BRIDGE = "bridge";

        /** The record of a group without a network of its own. */
        public static GroupNetworkRecord host() {
            return new GroupNetworkRecord(HOST, null, null, Map.of(), false);
        }

        public boolean bridge() {
            return BRIDGE.equals(mode);
        }
    }

    /** A granted host port. */
    public record PortRecord(String label, int value, String hostIp) {}

    /** A driver's reattach state. */
    public record HandleRecord(String driver, int version, Map<String, String> data) {}

    /** A driver network. */
    public record NetworkRecord(String ip, Map<String, Integer> portMap, boolean autoAdvertise) {
        /** The network this record was written from. */
        public DriverNetwork toNetwork() {
            return DriverNetwork.builder()
                    .ip(ip)
                    .portMap(portMap)
                    .autoAdvertise(autoAdvertise)
                    .build();
        }
    }

    /** How a task ended. */
    public record ExitRecord(
            int exitCode,
            int signal,
            boolean oomKilled,
            @Nullable String error) {
        /** The exit this record was written from. */
        public ExitResult toExit() {
            return ExitResult.builder()
                    .exitCode(exitCode)
                    .signal(signal)
                    .oomKilled(oomKilled)
                    .error(error)
                    .build();
        }
    }

    /** A task event; {@code time} in epoch millis. */
    public record EventRecord(String type, long time, String message, Map<String, String> details) {}
}
