package dev.taskdrivers.runner.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.taskdrivers.runner.internal.spec.SpecWriter;
import dev.taskdrivers.runner.spec.GroupSpec;
import dev.taskdrivers.runner.spec.JobSpec;
import dev.taskdrivers.runner.spec.TaskSpec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A short fingerprint of a job spec: equal for specs that run the same way, whether read from a file or built in
 * code, so a runner can tell a job it already holds from a changed one.
 */
public final class JobDigest {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private JobDigest() {}

    /** The SHA-256 of the job's canonical JSON form, in hex. */
    public static String of(JobSpec job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", job.name());
        m.put("type", job.type().specName());
        m.put("datacenter", job.datacenter());
        m.put("region", job.region());
        m.put("meta", job.meta());
        // each absent when it has its default: digests of jobs without them stay as they were
        if (!job.namespace().equals("default")) {
            m.put("namespace", job.namespace());
        }
        if (!job.id().equals(job.name())) {
            m.put("id", job.id());
        }
        if (job.parentId() != null) {
            m.put("parent_id", job.parentId());
        }
        List<Object> groups = new ArrayList<>();
        for (GroupSpec g : job.groups()) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("name", g.name());
            group.put("count", g.count());
            group.put("meta", g.meta());
            if (!g.shutdownDelay().isZero()) { // absent when unset: digests of jobs without it stay as they were
                group.put("shutdown_delay", SpecWriter.duration(g.shutdownDelay()));
            }
            g.maxRunDuration().ifPresent(d -> group.put("max_run_duration", SpecWriter.duration(d))); // as above
            if (g.bridgeNetwork()) { // absent in host mode, as above
                group.put("network_mode", g.networkMode());
            }
            if (!g.volumes().isEmpty()) { // absent when none, as above
                group.put("volumes", SpecWriter.volumes(g.volumes()));
            }
            List<Object> tasks = new ArrayList<>();
            for (TaskSpec t : g.tasks()) {
                tasks.add(SpecWriter.task(t.withRestart(g.restartFor(t)))); // the policy the task really follows
            }
            group.put("tasks", tasks);
            groups.add(group);
        }
        m.put("groups", groups);
        try {
            byte[] json = CANONICAL.writeValueAsBytes(m);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "job " + job.name() + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
