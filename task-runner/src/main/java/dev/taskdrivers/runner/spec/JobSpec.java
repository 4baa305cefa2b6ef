package dev.taskdrivers.runner.spec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job: named groups of tasks, read from a JSON spec by {@link SpecParser} or built in code.
 *
 * @param name the job name
 * @param type service (the default, as in Nomad) or batch: what a task that exits means
 * @param datacenter {@code NOMAD_DC}
 * @param region {@code NOMAD_REGION}
 * @param meta metadata for all its tasks
 * @param groups its task groups
 */
public record JobSpec(String name, JobType type, String datacenter, String region, Map<String, String> meta,
        List<GroupSpec> groups) {
    public JobSpec {
        Objects.requireNonNull(name, "name");
        type = type == null ? JobType.SERVICE : type;
        datacenter = datacenter == null ? "dc1" : datacenter;
        region = region == null ? "global" : region;
        meta = Map.copyOf(meta == null ? Map.of() : meta);
        groups = List.copyOf(groups);
    }

    /** A service job: its tasks are kept running, restarted by their restart policy whenever they exit. */
    public static JobSpec service(String name, List<GroupSpec> groups) {
        return new JobSpec(name, JobType.SERVICE, null, null, Map.of(), groups);
    }

    /** A batch job: its tasks run to completion, exit 0 completes a task. */
    public static JobSpec batch(String name, List<GroupSpec> groups) {
        return new JobSpec(name, JobType.BATCH, null, null, Map.of(), groups);
    }

    /**
     * The same as {@link #batch}: tasks run to completion. Kept for code written before jobs had a type; prefer
     * {@link #batch} or {@link #service}, which say what they mean.
     */
    public static JobSpec of(String name, List<GroupSpec> groups) {
        return batch(name, groups);
    }
}
