package dev.taskdrivers.runner.spec;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job: named groups of tasks, read from a JSON spec by {@link SpecParser} or built in code.
 *
 * @param name the job name
 * @param datacenter {@code NOMAD_DC}
 * @param region {@code NOMAD_REGION}
 * @param meta metadata for all its tasks
 * @param groups its task groups
 */
public record JobSpec(String name, String datacenter, String region, Map<String, String> meta,
        List<GroupSpec> groups) {
    public JobSpec {
        Objects.requireNonNull(name, "name");
        datacenter = datacenter == null ? "dc1" : datacenter;
        region = region == null ? "global" : region;
        meta = Map.copyOf(meta == null ? Map.of() : meta);
        groups = List.copyOf(groups);
    }

    public static JobSpec of(String name, List<GroupSpec> groups) {
        return new JobSpec(name, null, null, Map.of(), groups);
    }
}
