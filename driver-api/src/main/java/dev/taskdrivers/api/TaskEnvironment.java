package dev.taskdrivers.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builds a task's environment: the task's own {@code env} plus the {@code NOMAD_*} variables. The runner's values
 * win over the task's own, so a task can trust them; a driver's {@link PrestartResult#envOverrides()} win over
 * both (paths as seen inside a container).
 */
public final class TaskEnvironment {
    public static final String ALLOC_DIR = "NOMAD_ALLOC_DIR";
    public static final String TASK_DIR = "NOMAD_TASK_DIR";
    public static final String SECRETS_DIR = "NOMAD_SECRETS_DIR";
    public static final String MEMORY_LIMIT = "NOMAD_MEMORY_LIMIT";
    public static final String CPU_LIMIT = "NOMAD_CPU_LIMIT";
    public static final String ALLOC_ID = "NOMAD_ALLOC_ID";
    public static final String ALLOC_NAME = "NOMAD_ALLOC_NAME";
    public static final String ALLOC_INDEX = "NOMAD_ALLOC_INDEX";
    public static final String TASK_NAME = "NOMAD_TASK_NAME";
    public static final String GROUP_NAME = "NOMAD_GROUP_NAME";
    public static final String JOB_NAME = "NOMAD_JOB_NAME";
    public static final String DATACENTER = "NOMAD_DC";
    public static final String REGION = "NOMAD_REGION";
    /** The job's id: its name, as Nomad's command line submits it, unless {@link Builder#jobId} says otherwise. */
    public static final String JOB_ID = "NOMAD_JOB_ID";
    /** The id of the job's parent (a periodic or parameterized job); set only when {@link Builder#jobParentId} is. */
    public static final String JOB_PARENT_ID = "NOMAD_JOB_PARENT_ID";
    /** {@code default} unless {@link Builder#namespace} says otherwise. */
    public static final String NAMESPACE = "NOMAD_NAMESPACE";
    /** The first 8 characters of the allocation id. */
    public static final String SHORT_ALLOC_ID = "NOMAD_SHORT_ALLOC_ID";
    /** The memory maximum in MB ({@link Resources#memoryMaxMb()}); set only for a task that has one. */
    public static final String MEMORY_MAX_LIMIT = "NOMAD_MEMORY_MAX_LIMIT";
    /** Reserved CPU cores in cpuset notation ({@link Resources#cpuset()}); set only for a task that reserves cores. */
    public static final String CPU_CORES = "NOMAD_CPU_CORES";
    /** The cgroup below which the driver puts the task's own, set by drivers that use cgroups. */
    public static final String PARENT_CGROUP = "NOMAD_PARENT_CGROUP";

    public static final String META_PREFIX = "NOMAD_META_";
    public static final String IP_PREFIX = "NOMAD_IP_";
    public static final String PORT_PREFIX = "NOMAD_PORT_";
    public static final String HOST_PORT_PREFIX = "NOMAD_HOST_PORT_";
    public static final String ADDR_PREFIX = "NOMAD_ADDR_";

    private TaskEnvironment() {}

    /** A builder for the task {@code id}. */
    public static Builder builder(TaskId id) {
        return new Builder(id);
    }

    /** Makes a label usable in a variable name: characters other than letters, digits and '_' become '_'. */
    public static String sanitize(String label) {
        return label.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** Builds the environment of one task. */
    public static final class Builder {
        private final TaskId id;
        private final Map<String, String> taskEnv = new LinkedHashMap<>();
        private final Map<String, String> meta = new LinkedHashMap<>();
        private final Map<String, Integer> portMap = new LinkedHashMap<>();
        private final Map<String, Sibling> siblings = new TreeMap<>();
        private final List<Sibling> groupPorts = new ArrayList<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private @Nullable TaskDirs dirs;
        private Resources resources = Resources.defaults();
        private String datacenter = "dc1";
        private String region = "global";
        private String namespace = "default";
        private @Nullable String jobId;
        private @Nullable String jobParentId;

        private Builder(TaskId id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        /** The task's own {@code env} block. */
        public Builder taskEnv(Map<String, String> env) {
            taskEnv.putAll(env);
            return this;
        }

        public Builder dirs(TaskDirs taskDirs) {
            this.dirs = taskDirs;
            return this;
        }

        public Builder resources(Resources taskResources) {
            this.resources = Objects.requireNonNull(taskResources, "resources");
            return this;
        }

        public Builder meta(Map<String, String> values) {
            meta.putAll(values);
            return this;
        }

        public Builder datacenter(String value) {
            this.datacenter = Objects.requireNonNull(value, "datacenter");
            return this;
        }

        public Builder region(String value) {
            this.region = Objects.requireNonNull(value, "region");
            return this;
        }

        /** {@code NOMAD_NAMESPACE}; {@code default} unless set. */
        public Builder namespace(String value) {
            this.namespace = Objects.requireNonNull(value, "namespace");
            return this;
        }

        /** {@code NOMAD_JOB_ID}; the job's name unless set. */
        public Builder jobId(String value) {
            this.jobId = Objects.requireNonNull(value, "jobId");
            return this;
        }

        /** {@code NOMAD_JOB_PARENT_ID}; absent unless set. */
        public Builder jobParentId(String value) {
            this.jobParentId = Objects.requireNonNull(value, "jobParentId");
            return this;
        }

        /** The driver's port map from prestart: label to the port inside the task's network. */
        public Builder portMap(Map<String, Integer> map) {
            portMap.putAll(map);
            return this;
        }

        /** A task of the same allocation, whose ports appear as {@code NOMAD_*_<task>_<label>}. */
        public Builder sibling(String taskName, List<Port> ports, Map<String, Integer> siblingPortMap) {
            siblings.put(taskName, new Sibling(List.copyOf(ports), Map.copyOf(siblingPortMap)));
            return this;
        }

        /**
         * Ports of the group's network granted to another task of the allocation: they also appear under their bare
         * label ({@code NOMAD_PORT_<label>}, ...), as the group's ports do in Nomad; a port of this task's own with
         * the same label wins.
         *
         * @param ports the ports, as granted
         * @param ownerPortMap the owning task's port map (label to the port inside its network)
         * @return this builder
         */
        public Builder groupPorts(List<Port> ports, Map<String, Integer> ownerPortMap) {
            groupPorts.add(new Sibling(List.copyOf(ports), Map.copyOf(ownerPortMap)));
            return this;
        }

        /** Values that win over everything else (see {@link PrestartResult#envOverrides()}). */
        public Builder overrides(Map<String, String> values) {
            overrides.putAll(values);
            return this;
        }

        public Map<String, String> build() {
            Map<String, String> env = new LinkedHashMap<>(taskEnv);
            if (dirs != null) {
                env.put(ALLOC_DIR, dirs.allocDir().toString());
                env.put(TASK_DIR, dirs.localDir().toString());
                env.put(SECRETS_DIR, dirs.secretsDir().toString());
            }
            env.put(MEMORY_LIMIT, Integer.toString(resources.memoryMb()));
            env.put(CPU_LIMIT, Integer.toString(resources.cpuMhz()));
            if (resources.memoryMaxMb() > 0) {
                env.put(MEMORY_MAX_LIMIT, Integer.toString(resources.memoryMaxMb()));
            }
            if (!resources.reservedCores().isEmpty()) {
                env.put(CPU_CORES, resources.cpuset());
            }
            env.put(ALLOC_ID, id.allocId());
            env.put(
                    SHORT_ALLOC_ID,
                    id.allocId().substring(0, Math.min(8, id.allocId().length())));
            env.put(ALLOC_NAME, id.allocName());
            env.put(ALLOC_INDEX, Integer.toString(id.allocIndex()));
            env.put(TASK_NAME, id.taskName());
            env.put(GROUP_NAME, id.groupName());
            env.put(JOB_NAME, id.jobName());
            env.put(JOB_ID, jobId != null ? jobId : id.jobName());
            if (jobParentId != null) {
                env.put(JOB_PARENT_ID, jobParentId);
            }
            env.put(NAMESPACE, namespace);
            env.put(DATACENTER, datacenter);
            env.put(REGION, region);
            meta.forEach((key, value) -> {
                env.put(META_PREFIX + sanitize(key), value);
                env.put(META_PREFIX + sanitize(key).toUpperCase(java.util.Locale.ROOT), value);
            });
            siblings.forEach(
                    (task, sibling) -> putPorts(env, sanitize(task) + "_", sibling.ports(), sibling.portMap()));
            groupPorts.forEach(group -> putPorts(env, "", group.ports(), group.portMap()));
            putPorts(env, "", resources.ports(), portMap); // after the group's: its own label wins
            env.putAll(overrides);
            return env;
        }

        private static void putPorts(
                Map<String, String> env, String prefix, List<Port> ports, Map<String, Integer> map) {
            for (Port port : ports) {
                String label = prefix + sanitize(port.label());
                env.put(IP_PREFIX + label, port.hostIp());
                env.put(HOST_PORT_PREFIX + label, Integer.toString(port.value()));
                env.put(ADDR_PREFIX + label, port.hostIp() + ":" + port.value());
                env.put(PORT_PREFIX + label, Integer.toString(map.getOrDefault(port.label(), port.value())));
            }
        }

        private record Sibling(List<Port> ports, Map<String, Integer> portMap) {}
    }
}
