package dev.taskdrivers.consul.internal;

import dev.taskdrivers.api.TaskId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The IDs this registry gives services and checks in Consul, and how it recognises its own.
 *
 * <p>Scheme (with the default prefix {@code _taskdrivers}):
 * <ul>
 *   <li>task service: {@code _taskdrivers-task-<allocId>-<taskName>-<service>-<hash>}</li>
 *   <li>agent service: {@code _taskdrivers-agent-<agentName>-<service>-<hash>}</li>
 *   <li>check: {@code _taskdrivers-check-<hash>}</li>
 * </ul>
 * {@code <service>} is the service name reduced to letters, digits, '.', '_' and '-' (for people reading the
 * Consul UI); {@code <hash>} is the first 16 hex digits of SHA-256 over the exact owner, service name and port
 * label, so IDs are unique per allocation, task, service and port even when names reduce to the same text, and the
 * same across restarts. Tags never take part, so any tag is safe and a tag change keeps the ID. A check's hash
 * covers its service ID and its whole definition (type, target, interval, timeout, ...): a changed check gets a new
 * ID, so comparing IDs is enough to see that a check changed.
 *
 * <p>Ownership is by prefix: an ID starting with {@code <prefix>-task-}, {@code <prefix>-agent-} or
 * {@code <prefix>-check-} belongs to the registry using that prefix; every other service and check is left alone.
 * The prefix allows no '-', so one registry's prefix never matches another's.
 */
public final class ServiceIds {
    private final String prefix;

    public ServiceIds(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    /** The ID of a task's service. */
    public String taskService(TaskId task, String serviceName, @Nullable String portLabel) {
        return prefix + "-task-" + task.allocId() + "-" + task.taskName() + "-" + readable(serviceName) + "-"
                + hash("task", task.allocId(), task.taskName(), serviceName, String.valueOf(portLabel));
    }

    /** The ID of a service the embedding process advertises for itself. */
    public String agentService(String agentName, String serviceName, @Nullable String portLabel) {
        return prefix + "-agent-" + readable(agentName) + "-" + readable(serviceName) + "-"
                + hash("agent", agentName, serviceName, String.valueOf(portLabel));
    }

    /** The ID of a check, from its service's ID and a canonical text of its whole definition. */
    public String check(String serviceId, String canonicalDefinition) {
        return prefix + "-check-" + hash("check", serviceId, canonicalDefinition);
    }

    /** Whether a service ID is one of ours. */
    public boolean ownsService(String id) {
        return id.startsWith(prefix + "-task-") || id.startsWith(prefix + "-agent-");
    }

    /** Whether a check ID is one of ours. */
    public boolean ownsCheck(String id) {
        return id.startsWith(prefix + "-check-");
    }

    public String prefix() {
        return prefix;
    }

    private static String readable(String name) {
        String reduced = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return reduced.length() > 48 ? reduced.substring(0, 48) : reduced;
    }

    private static String hash(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
