package dev.taskdrivers.api;

import java.util.Objects;

/**
 * Who a task is.
 *
 * @param allocId unique id of the allocation (one run of a task group)
 * @param jobName the job
 * @param groupName the task group
 * @param allocIndex index of the allocation within its group
 * @param taskName the task, unique within the allocation
 */
public record TaskId(String allocId, String jobName, String groupName, int allocIndex, String taskName) {
    public TaskId {
        requireSafe("allocId", allocId);
        requireSafe("jobName", jobName);
        requireSafe("groupName", groupName);
        requireSafe("taskName", taskName);
        if (allocIndex < 0) {
            throw new IllegalArgumentException("allocIndex must not be negative: " + allocIndex);
        }
    }

    /** {@code job.group[index]}, as Nomad names allocations. */
    public String allocName() {
        return jobName + "." + groupName + "[" + allocIndex + "]";
    }

    /** A string unique per task in this process: {@code allocId/taskName}. */
    public String key() {
        return allocId + "/" + taskName;
    }

    /** Whether {@code value} is usable as an id part (safe in file names, container names and labels). */
    public static boolean isSafe(String value) {
        // a loop, not a regular expression: ids are checked for every task a runner starts or takes over
        if (value == null || value.isEmpty() || value.length() > 128) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean letterOrDigit = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (!letterOrDigit && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
                return false;
            }
        }
        return true;
    }

    private static void requireSafe(String field, String value) {
        Objects.requireNonNull(value, field);
        if (!isSafe(value)) {
            throw new IllegalArgumentException(field + " must be 1-128 characters of letters, digits, '_', '.', '-'"
                    + " starting with a letter or digit: '" + value + "'");
        }
    }

    @Override
    public String toString() {
        return key();
    }
}
