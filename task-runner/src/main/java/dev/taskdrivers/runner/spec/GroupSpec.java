package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A task group: tasks that run together in one allocation and share its directory. Built with {@link #of} or
 * {@link #builder}:
 * <pre>{@code
 * GroupSpec.builder("web").count(2).restart(RestartPolicy.NEVER).task(web).task(sidecar).build()
 * }</pre>
 * A built group has a safe name, a count of 0 to 10000, at least one task, distinct task names, at most one
 * leader and a network mode of {@code host} or {@code bridge}.
 */
public final class GroupSpec {
    /** The network mode in which the tasks share the host's network. */
    public static final String HOST_NETWORK = "host";
    /** The network mode in which the tasks share one network namespace of their own, see {@link #networkMode()}. */
    public static final String BRIDGE_NETWORK = "bridge";

    private final String name;
    private final int count;
    private final @Nullable RestartPolicy restart;
    private final Map<String, String> meta;
    private final List<TaskSpec> tasks;
    private final Duration shutdownDelay;
    private final String networkMode;
    private final @Nullable Duration maxRunDuration;
    private final Map<String, VolumeSpec> volumes;

    private GroupSpec(Builder b) {
        this.name = b.name;
        this.count = b.count;
        this.restart = b.restart == null ? null : b.restart.build();
        this.meta = Map.copyOf(b.meta);
        // build() checked every task with the group
        List<TaskSpec> built = new ArrayList<>(b.tasks.size());
        for (TaskSpec.Builder t : b.tasks) { // a loop: one of these per allocation a recovery rebuilds
            built.add(t.buildChecked());
        }
        this.tasks = List.copyOf(built);
        this.shutdownDelay = b.shutdownDelay;
        this.networkMode = b.networkMode;
        this.maxRunDuration = b.maxRunDuration;
        Map<String, VolumeSpec> builtVolumes = new LinkedHashMap<>();
        b.volumes.forEach((k, v) -> builtVolumes.put(k, v.buildChecked()));
        this.volumes = Collections.unmodifiableMap(builtVolumes);
    }

    /** A group with one allocation, its tasks' default restart policy {@link RestartPolicy#DEFAULT}, no meta. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * One allocation of these tasks with the default restart policy.
     *
     * @throws ValidationException when the group breaks a rule
     */
    public static GroupSpec of(String name, List<TaskSpec> tasks) {
        return builder(name).tasks(tasks).build();
    }

    /** A builder holding this group's values, to build a changed copy. */
    public Builder toBuilder() {
        Builder b = builder(name)
                .count(count)
                .meta(meta)
                .tasks(tasks)
                .shutdownDelay(shutdownDelay)
                .networkMode(networkMode);
        b.restart = restart == null ? null : restart.toBuilder();
        b.maxRunDuration = maxRunDuration;
        volumes.forEach(b::volume);
        return b;
    }

    /** Unique within the job. */
    public String name() {
        return name;
    }

    /** How many allocations of the group to run. */
    public int count() {
        return count;
    }

    /** The default restart policy of its tasks, or {@code null} for {@link RestartPolicy#DEFAULT}. */
    public @Nullable RestartPolicy restart() {
        return restart;
    }

    /** Metadata for all its tasks. */
    public Map<String, String> meta() {
        return meta;
    }

    public List<TaskSpec> tasks() {
        return tasks;
    }

    /**
     * How long stopping the allocation waits, after its tasks' services were removed, before the tasks are sent
     * their kill signals (each task's own delay follows).
     */
    public Duration shutdownDelay() {
        return shutdownDelay;
    }

    /**
     * How the tasks are networked: {@link #HOST_NETWORK} (the default), or {@link #BRIDGE_NETWORK}, where the driver
     * of the tasks creates one network namespace per allocation before its first task starts, forwards each granted
     * host port to the port inside it (docker's {@code port_map}, else the same number) and removes it after the
     * allocation's last task ended. Only drivers that create group networks (docker, raw_exec, exec, java) run tasks
     * of a bridge group.
     */
    public String networkMode() {
        return networkMode;
    }

    /**
     * How long an allocation of the group may run, counted from its start, as Nomad's {@code max_run_duration}; empty
     * when it may run for as long as its tasks do. Only batch jobs have it. When an allocation reaches it, its tasks
     * still running are killed (their kill timeouts and shutdown delays come after it), its poststop tasks that have
     * not started never start, and the allocation ends complete, not failed, with a
     * {@link dev.taskdrivers.runner.AllocationStatus#description() description} saying so.
     */
    public Optional<Duration> maxRunDuration() {
        return Optional.ofNullable(maxRunDuration);
    }

    /** The volumes its tasks may mount, by the name their {@link VolumeMountSpec#volume()} gives. */
    public Map<String, VolumeSpec> volumes() {
        return volumes;
    }

    /** Whether the tasks share a network namespace of their own ({@link #BRIDGE_NETWORK}). */
    public boolean bridgeNetwork() {
        return BRIDGE_NETWORK.equals(networkMode);
    }

    /** The policy a task of this group follows. */
    public RestartPolicy restartFor(TaskSpec task) {
        if (task.restart() != null) {
            return task.restart();
        }
        return restart != null ? restart : RestartPolicy.DEFAULT;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof GroupSpec g
                && name.equals(g.name)
                && count == g.count
                && Objects.equals(restart, g.restart)
                && meta.equals(g.meta)
                && tasks.equals(g.tasks)
                && shutdownDelay.equals(g.shutdownDelay)
                && networkMode.equals(g.networkMode)
                && Objects.equals(maxRunDuration, g.maxRunDuration)
                && volumes.equals(g.volumes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, count, restart, meta, tasks, shutdownDelay, networkMode, maxRunDuration, volumes);
    }

    @Override
    public String toString() {
        return "GroupSpec[name=" + name + ", count=" + count + ", restart=" + restart + ", meta=" + meta
                + (bridgeNetwork() ? ", networkMode=" + networkMode : "")
                + (maxRunDuration == null ? "" : ", maxRunDuration=" + maxRunDuration)
                + (volumes.isEmpty() ? "" : ", volumes=" + volumes) + ", tasks=" + tasks + "]";
    }

    /** Collects a group's values; {@link #build} refuses what no group may be, naming every offending field. */
    public static final class Builder {
        private final String name;
        private int count = 1;
        private RestartPolicy.@Nullable Builder restart;
        private Map<String, String> meta = Map.of();
        private final List<TaskSpec.Builder> tasks = new ArrayList<>();
        private Duration shutdownDelay = Duration.ZERO;
        private String networkMode = HOST_NETWORK;
        private @Nullable Duration maxRunDuration;
        private final Map<String, VolumeSpec.Builder> volumes = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** How many allocations to run, 0 to 10000; 1 unless set. */
        public Builder count(int value) {
            this.count = value;
            return this;
        }

        /** The restart policy of its tasks that set none; {@link RestartPolicy#DEFAULT} unless set. */
        public Builder restart(RestartPolicy value) {
            this.restart = value.toBuilder();
            return this;
        }

        /** A restart policy built with the group; the builder is kept, not copied. */
        public Builder restart(RestartPolicy.Builder value) {
            this.restart = Objects.requireNonNull(value, "restart");
            return this;
        }

        public Builder meta(Map<String, String> value) {
            this.meta = Map.copyOf(value);
            return this;
        }

        /**
         * How long stopping the allocation waits between removing its tasks' services and sending their kill signals;
         * zero unless set.
         */
        public Builder shutdownDelay(Duration value) {
            this.shutdownDelay = Objects.requireNonNull(value, "shutdownDelay");
            return this;
        }

        /** {@link #HOST_NETWORK} unless set; {@link #BRIDGE_NETWORK} gives the tasks a namespace of their own. */
        public Builder networkMode(String value) {
            this.networkMode = Objects.requireNonNull(value, "networkMode");
            return this;
        }

        String networkMode() {
            return networkMode;
        }

        /**
         * How long an allocation may run, counted from its start (see {@link GroupSpec#maxRunDuration()}); must be
         * positive, and the job's type batch. None unless set.
         */
        public Builder maxRunDuration(Duration value) {
            this.maxRunDuration = Objects.requireNonNull(value, "maxRunDuration");
            return this;
        }

        @Nullable
        Duration maxRunDuration() {
            return maxRunDuration;
        }

        /** Adds (or replaces) the volume its tasks mount by {@code name}. */
        public Builder volume(String name, VolumeSpec value) {
            volumes.put(Objects.requireNonNull(name, "name"), value.toBuilder());
            return this;
        }

        /** Adds the volume this builder builds with the group; the builder is kept, not copied. */
        public Builder volume(String name, VolumeSpec.Builder value) {
            volumes.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "volume"));
            return this;
        }

        Map<String, VolumeSpec.Builder> volumes() {
            return volumes;
        }

        /** Adds a task. */
        public Builder task(TaskSpec value) {
            tasks.add(value.toBuilder());
            return this;
        }

        /** Adds the task this builder builds with the group; the builder is kept, not copied. */
        public Builder task(TaskSpec.Builder value) {
            tasks.add(Objects.requireNonNull(value, "task"));
            return this;
        }

        /** Adds these tasks. */
        public Builder tasks(List<TaskSpec> values) {
            for (TaskSpec value : values) {
                task(value);
            }
            return this;
        }

        String name() {
            return name;
        }

        int count() {
            return count;
        }

        Map<String, String> meta() {
            return meta;
        }

        List<TaskSpec.Builder> tasks() {
            return tasks;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            JobRules.name(name, "name", problems);
            JobRules.range(count, 0, JobRules.MAX_COUNT, "count", problems);
            if (restart != null) {
                JobRules.nested(restart.problems(), "restart", problems);
            }
            if (shutdownDelay.isNegative()) {
                problems.add(new ValidationProblem("shutdown_delay", "must not be negative"));
            }
            if (maxRunDuration != null && (maxRunDuration.isNegative() || maxRunDuration.isZero())) {
                problems.add(new ValidationProblem("max_run_duration", "must be positive, got " + maxRunDuration));
            }
            if (tasks.isEmpty()) {
                problems.add(new ValidationProblem("tasks", "must have at least one task"));
            }
            if (!networkMode.equals(HOST_NETWORK) && !networkMode.equals(BRIDGE_NETWORK)) {
                problems.add(new ValidationProblem(
                        "network_mode", "must be \"host\" or \"bridge\", got \"" + networkMode + "\""));
            }
            Set<String> names = new HashSet<>();
            int leaders = 0;
            for (int i = 0; i < tasks.size(); i++) {
                TaskSpec.Builder task = tasks.get(i);
                String path = "tasks[" + i + "]";
                if (!task.name().isEmpty() && !names.add(task.name())) {
                    problems.add(new ValidationProblem(path + ".name", "duplicate task name \"" + task.name() + "\""));
                }
                if (task.leader() && ++leaders == 2) {
                    problems.add(
                            new ValidationProblem(path + ".leader", "only one task of a group can be the" + " leader"));
                }
                JobRules.nested(task.problems(), path, problems);
            }
            volumes.forEach((volumeName, volume) -> {
                if (volumeName.isBlank()) {
                    problems.add(new ValidationProblem("volumes", "a volume's name must not be empty"));
                }
                JobRules.nested(volume.problems(), "volumes." + volumeName, problems);
            });
            VolumeMountRules.problems(volumes.keySet(), tasks, problems);
            ServiceProviderRules.problems(tasks, problems);
            ServicePortRules.problems(tasks, problems);
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public GroupSpec build() {
            ValidationException.throwIfAny(problems());
            return new GroupSpec(this);
        }

        /** Builds what an enclosing builder's {@link #problems()} has just found clean, without checking again. */
        GroupSpec buildChecked() {
            return new GroupSpec(this);
        }
    }
}
