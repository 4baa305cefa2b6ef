package dev.taskdrivers.runner.internal.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.ResourceUsage;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskUsage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest usage sample of an allocation, kept next to its task state files so that another process (the command
 * line's {@code status}) can show it. Its name does not end in {@code .json}: it is no task's state file.
 */
public final class UsageFile {
    /** The file's name in the allocation's state directory. */
    public static final String NAME = "usage.snapshot";

    private static final ObjectMapper JSON = new ObjectMapper();

    private UsageFile() {}

    /**
     * Replaces the allocation's snapshot atomically; does nothing when its state directory is gone (forgotten).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void write(Path stateDir, AllocationUsage usage) {
        Path file = stateDir.resolve(usage.allocId()).resolve(NAME);
        try {
            StateStore.writeAtomically(file, JSON.writeValueAsBytes(encode(usage)), false);
        } catch (NoSuchFileException e) {
            // the allocation was forgotten meanwhile
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write usage snapshot " + file, e);
        }
    }

    /** The allocation's last snapshot; empty when there is none or it cannot be read. */
    public static Optional<AllocationUsage> read(Path stateDir, String allocId) {
        Path file = stateDir.resolve(allocId).resolve(NAME);
        try {
            return Optional.of(decode(JSON.readTree(Files.readAllBytes(file))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static ObjectNode encode(AllocationUsage usage) {
        ObjectNode root = JSON.createObjectNode();
        root.put("allocId", usage.allocId());
        root.put("allocName", usage.allocName());
        root.put("time", usage.timestamp().toEpochMilli());
        ObjectNode tasks = root.putObject("tasks");
        usage.tasks().forEach((name, t) -> {
            ObjectNode n = tasks.putObject(name);
            n.put("jobName", t.id().jobName());
            n.put("groupName", t.id().groupName());
            n.put("allocIndex", t.id().allocIndex());
            n.put("driver", t.driver());
            n.put("state", t.state().name());
            n.put("time", t.timestamp().toEpochMilli());
            t.unmeasured().ifPresent(why -> n.put("unmeasured", why));
            encode(n.putObject("usage"), t.usage());
        });
        return root;
    }

    private static void encode(ObjectNode n, ResourceUsage u) {
        n.put("cpuPercent", u.cpuPercent());
        n.put("cpuTicks", u.cpuTicks());
        n.put("cpuTotalNanos", u.cpuTotalNanos());
        n.put("throttledPeriods", u.throttledPeriods());
        n.put("memoryRssBytes", u.memoryRssBytes());
        n.put("memoryCacheBytes", u.memoryCacheBytes());
        n.put("memorySwapBytes", u.memorySwapBytes());
        n.put("cpuLimitMhz", u.cpuLimitMhz());
        n.put("memoryLimitBytes", u.memoryLimitBytes());
    }

    private static AllocationUsage decode(JsonNode root) {
        String allocId = root.required("allocId").asText();
        Map<String, TaskUsage> tasks = new LinkedHashMap<>();
        root.required("tasks").properties().forEach(e -> {
            JsonNode n = e.getValue();
            TaskId id = new TaskId(
                    allocId,
                    n.required("jobName").asText(),
                    n.required("groupName").asText(),
                    n.required("allocIndex").asInt(),
                    e.getKey());
            tasks.put(
                    e.getKey(),
                    new TaskUsage(
                            id,
                            n.required("driver").asText(),
                            TaskState.valueOf(n.required("state").asText()),
                            Instant.ofEpochMilli(n.required("time").asLong()),
                            decodeUsage(n.required("usage")),
                            n.hasNonNull("unmeasured")
                                    ? Optional.of(n.get("unmeasured").asText())
                                    : Optional.empty()));
        });
        AllocationUsage sum =
                AllocationUsage.of(allocId, root.required("allocName").asText(), tasks);
        return new AllocationUsage(
                allocId,
                sum.allocName(),
                Instant.ofEpochMilli(root.required("time").asLong()),
                tasks,
                sum.total());
    }

    private static ResourceUsage decodeUsage(JsonNode n) {
        return new ResourceUsage(
                n.path("cpuPercent").asDouble(),
                n.path("cpuTicks").asDouble(),
                n.path("cpuTotalNanos").asLong(),
                n.path("throttledPeriods").asLong(),
                n.path("memoryRssBytes").asLong(),
                n.path("memoryCacheBytes").asLong(),
                n.path("memorySwapBytes").asLong(),
                n.path("cpuLimitMhz").asLong(),
                n.path("memoryLimitBytes").asLong());
    }
}
