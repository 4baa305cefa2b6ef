package dev.taskdrivers.runner.internal.nomad;

import java.util.Map;

/**
 * Scheduler settings at the value Nomad gives them when unset. {@code nomad job inspect} and the HTTP API print
 * these on every job, so they are no warning in either format: a job file without them gives none either.
 */
final class NomadDefaults {

    /** A check's or service's {@code on_update} when not written. */
    static final String ON_UPDATE = "require_healthy";
    /** An ephemeral disk's size in MB when not written. */
    static final long EPHEMERAL_DISK_MB = 300;

    private NomadDefaults() {}

    static boolean isDefaultOnUpdate(Object value) {
        return ON_UPDATE.equals(value);
    }

    /**
     * Whether an ephemeral disk (keys as in either format, e.g. {@code size} or {@code SizeMB}) is Nomad's default:
     * 300 MB, neither sticky nor migrated.
     */
    static boolean isDefaultEphemeralDisk(Map<?, ?> disk) {
        for (Map.Entry<?, ?> e : disk.entrySet()) {
            String key = String.valueOf(e.getKey());
            Object v = e.getValue();
            boolean isDefault = switch (key) {
                case "size", "SizeMB" -> v == null || v instanceof Number n && n.longValue() == EPHEMERAL_DISK_MB;
                case "sticky", "migrate", "Sticky", "Migrate" -> v == null || Boolean.FALSE.equals(v);
                default -> false;
            };
            if (!isDefault) {
                return false;
            }
        }
        return true;
    }
}
