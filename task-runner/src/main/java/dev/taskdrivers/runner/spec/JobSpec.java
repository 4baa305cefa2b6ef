package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A job: named groups of tasks, read from a JSON spec by {@link SpecParser} or built in code with {@link #service},
 * {@link #batch} or {@link #builder}:
 * <pre>{@code
 * JobSpec.builder("hello").type(JobType.BATCH).datacenter("dc2").group(GroupSpec.of("g", List.of(task))).build()
 * }</pre>
 * A built job has a safe name and at least one group, with distinct group names. Its drivers and the service
 * registry check it when it is submitted ({@link JobValidator}).
 */
public final class JobSpec {
    private final String name;
    private final JobType type;
    private final String datacenter;
    private final String region;
    private final Map<String, String> meta;
    private final List<GroupSpec> groups;
    private final String namespace;
    private final String id;
    private final @Nullable String parentId;

    private JobSpec(Builder b) {
        this.namespace = b.namespace;
        this.id = b.id == null ? b.name : b.id;
        this.parentId = b.parentId;
        this.name = b.name;
        this.type = b.type;
        this.datacenter = b.datacenter;
        this.region = b.region;
        this.meta = Map.copyOf(b.meta);
        // build() checked every group with the job
        List<GroupSpec> built = new ArrayList<>(b.groups.size());
        for (GroupSpec.Builder g : b.groups) { // a loop: one of these per allocation a recovery rebuilds
            built.add(g.buildChecked());
        }
        this.groups = List.copyOf(built);
    }

    /** A service job in datacenter {@code dc1}, region {@code global}, with no meta and no groups yet. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A service job: its tasks are kept running, restarted by their restart policy whenever they exit.
     *
     * @throws ValidationException when the job breaks a rule
     */
    public static JobSpec service(String name, List<GroupSpec> groups) {
        return builder(name).type(JobType.SERVICE).groups(groups).build();
    }

    /**
     * A batch job: its tasks run to completion, exit 0 completes a task.
     *
     * @throws ValidationException when the job breaks a rule
     */
    public static JobSpec batch(String name, List<GroupSpec> groups) {
        return builder(name).type(JobType.BATCH).groups(groups).build();
    }

    /**
     * The same as {@link #batch}: tasks run to completion. Kept for code written before jobs had a type; prefer
     * {@link #batch} or {@link #service}, which say what they mean.
     */
    public static JobSpec of(String name, List<GroupSpec> groups) {
        return batch(name, groups);
    }

    /** A builder holding this job's values, to build a changed copy. */
    public Builder toBuilder() {
        return builder(name)
                .type(type)
                .datacenter(datacenter)
                .region(region)
                .meta(meta)
                .groups(groups)
                .namespace(namespace)
                .id(id)
                .parentId(parentId);
    }

    /** The job name. */
    public String name() {
        return name;
    }

    /** Service or batch: what a task that exits means. */
    public JobType type() {
        return type;
    }

    /** {@code NOMAD_DC}. */
    public String datacenter() {
        return datacenter;
    }

    /** {@code NOMAD_REGION}. */
    public String region() {
        return region;
    }

    /** Metadata for all its tasks. */
    public Map<String, String> meta() {
        return meta;
    }

    public List<GroupSpec> groups() {
        return groups;
    }

    /** {@code NOMAD_NAMESPACE}: {@code default} unless set. */
    public String namespace() {
        return namespace;
    }

    /** {@code NOMAD_JOB_ID}: the job's name unless set (a Nomad job's ID may differ from its name). */
    public String id() {
        return id;
    }

    /** {@code NOMAD_JOB_PARENT_ID}: the job this one was launched from, {@code null} when none. */
    public @Nullable String parentId() {
        return parentId;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof JobSpec j
                && name.equals(j.name)
                && type == j.type
                && datacenter.equals(j.datacenter)
                && region.equals(j.region)
                && meta.equals(j.meta)
                && groups.equals(j.groups)
                && namespace.equals(j.namespace)
                && id.equals(j.id)
                && Objects.equals(parentId, j.parentId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, datacenter, region, meta, groups, namespace, id, parentId);
    }

    @Override
    public String toString() {
        return "JobSpec[name=" + name + ", type=" + type + ", datacenter=" + datacenter + ", region=" + region
                + ", meta=" + meta + ", groups=" + groups + ", namespace=" + namespace + ", id=" + id
                + (parentId == null ? "" : ", parentId=" + parentId) + "]";
    }

    /** Collects a job's values; {@link #build} refuses what no job may be, naming every offending field. */
    public static final class Builder {
        private final String name;
        private JobType type = JobType.SERVICE;
        private String datacenter = "dc1";
        private String region = "global";
        private Map<String, String> meta = Map.of();
        private final List<GroupSpec.Builder> groups = new ArrayList<>();
        private String namespace = "default";
        private @Nullable String id;
        private @Nullable String parentId;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** {@link JobType#SERVICE} (as in Nomad) unless set. */
        public Builder type(JobType value) {
            this.type = Objects.requireNonNull(value, "type");
            return this;
        }

        /** {@code NOMAD_DC}; {@code dc1} unless set. */
        public Builder datacenter(String value) {
            this.datacenter = Objects.requireNonNull(value, "datacenter");
            return this;
        }

        /** {@code NOMAD_REGION}; {@code global} unless set. */
        public Builder region(String value) {
            this.region = Objects.requireNonNull(value, "region");
            return this;
        }

        /** {@code NOMAD_NAMESPACE}; {@code default} unless set. */
        public Builder namespace(String value) {
            this.namespace = Objects.requireNonNull(value, "namespace");
            return this;
        }

        /** {@code NOMAD_NAMESPACE}, as set so far. */
        public String namespace() {
            return namespace;
        }

        /** {@code NOMAD_JOB_ID} as set so far; {@code null} means the job's name. */
        public @Nullable String id() {
            return id;
        }

        /** {@code NOMAD_JOB_PARENT_ID} as set so far; {@code null} when none. */
        public @Nullable String parentId() {
            return parentId;
        }

        /** {@code NOMAD_JOB_ID}; {@code null} (the default) means the job's name. */
        public Builder id(@Nullable String value) {
            this.id = value;
            return this;
        }

        /** {@code NOMAD_JOB_PARENT_ID}; {@code null} (the default) when the job has no parent. */
        public Builder parentId(@Nullable String value) {
            this.parentId = value;
            return this;
        }

        public Builder meta(Map<String, String> value) {
            this.meta = Map.copyOf(value);
            return this;
        }

        /** Adds a group. */
        public Builder group(GroupSpec value) {
            groups.add(value.toBuilder());
            return this;
        }

        /** Adds the group this builder builds with the job; the builder is kept, not copied. */
        public Builder group(GroupSpec.Builder value) {
            groups.add(Objects.requireNonNull(value, "group"));
            return this;
        }

        /** Adds these groups. */
        public Builder groups(List<GroupSpec> values) {
            values.forEach(this::group);
            return this;
        }

        String name() {
            return name;
        }

        String datacenter() {
            return datacenter;
        }

        String region() {
            return region;
        }

        Map<String, String> meta() {
            return meta;
        }

        List<GroupSpec.Builder> groups() {
            return groups;
        }

        /** Every value {@link #build} would refuse, each under its field; empty when it builds. */
        public List<ValidationProblem> problems() {
            List<ValidationProblem> problems = new ArrayList<>();
            JobRules.name(name, "name", problems);
            if (groups.isEmpty()) {
                problems.add(new ValidationProblem("groups", "must have at least one group"));
            }
            Set<String> names = new HashSet<>();
            for (int i = 0; i < groups.size(); i++) {
                GroupSpec.Builder group = groups.get(i);
                String path = "groups[" + i + "]";
                if (!group.name().isEmpty() && !names.add(group.name())) {
                    problems.add(
                            new ValidationProblem(path + ".name", "duplicate group name \"" + group.name() + "\""));
                }
                if (group.maxRunDuration() != null && type != JobType.BATCH) {
                    problems.add(new ValidationProblem(
                            path + ".max_run_duration",
                            "is only for batch jobs (Nomad's batch and sysbatch), this job's type is "
                                    + type.specName()));
                }
                JobRules.nested(group.problems(), path, problems);
            }
            return problems;
        }

        /** @throws ValidationException naming every field that breaks a rule */
        public JobSpec build() {
            ValidationException.throwIfAny(problems());
            return new JobSpec(this);
        }
    }
}
