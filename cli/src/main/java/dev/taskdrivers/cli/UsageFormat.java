package dev.taskdrivers.cli;

import dev.taskdrivers.api.ExitResult;
import dev.taskdrivers.runner.AllocationStatus;
import dev.taskdrivers.runner.AllocationUsage;
import dev.taskdrivers.runner.ResourceUsage;
import dev.taskdrivers.runner.TaskState;
import dev.taskdrivers.runner.TaskStatus;
import dev.taskdrivers.runner.TaskUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/** The lines of {@code status}: an allocation, a task, and their usage. */
final class UsageFormat {
    private UsageFormat() {}

    /** e.g. {@code shop.web[0] 1c56ff63-...: running}, with the allocation's description when it has one. */
    static String allocationLine(AllocationStatus alloc) {
        String state = alloc.finished()
                ? alloc.failed() ? "finished, failed" : "finished"
                : alloc.tasks().values().stream().anyMatch(t -> t.state() == TaskState.RUNNING) ? "running" : "pending";
        return alloc.allocName() + " " + alloc.allocId() + ": " + state
                + alloc.description().map(d -> " (" + d + ")").orElse("");
    }

    /** e.g. {@code server (raw_exec): running, restarts 1, last exit code 3}. */
    static String taskLine(TaskStatus task) {
        StringBuilder s = new StringBuilder(task.id().taskName())
                .append(" (")
                .append(task.driver())
                .append("): ")
                .append(lower(task.state().name()));
        if (task.state() == TaskState.DEAD) {
            s.append(task.failed() ? ", failed" : ", succeeded");
        }
        s.append(", restarts ").append(task.restarts());
        task.lastExit().ifPresent(e -> s.append(", last ").append(exit(e)));
        return s.toString();
    }

    /** The usage line of one task in a snapshot. */
    static String taskUsage(AllocationUsage snapshot, String taskName) {
        TaskUsage t = snapshot.tasks().get(taskName);
        if (t == null) {
            return "usage: not in the snapshot of " + at(snapshot.timestamp());
        }
        if (!t.measured()) {
            return "usage: " + t.unmeasured().orElse("unmeasured") + " at " + at(t.timestamp()) + "; limits "
                    + limits(t.usage());
        }
        return "usage: " + measures(t.usage()) + " at " + at(t.timestamp());
    }

    /** The allocation's sum. */
    static String total(AllocationUsage snapshot) {
        return "total: " + measures(snapshot.total()) + " at " + at(snapshot.timestamp());
    }

    private static String measures(ResourceUsage u) {
        return String.format(
                Locale.ROOT,
                "cpu %.1f%% (%.0f MHz of %d MHz), memory rss %s, cache %s, swap %s of %s",
                u.cpuPercent(),
                u.cpuTicks(),
                u.cpuLimitMhz(),
                bytes(u.memoryRssBytes()),
                bytes(u.memoryCacheBytes()),
                bytes(u.memorySwapBytes()),
                bytes(u.memoryLimitBytes()));
    }

    private static String limits(ResourceUsage u) {
        return "cpu " + u.cpuLimitMhz() + " MHz, memory " + bytes(u.memoryLimitBytes());
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.1f GiB", n / (1024.0 * 1024 * 1024));
    }

    private static String exit(ExitResult e) {
        if (e.signal() != 0) {
            return "exit: signal " + e.signal() + (e.oomKilled() ? ", OOM killed" : "");
        }
        return "exit code " + e.exitCode() + (e.oomKilled() ? ", OOM killed" : "")
                + (e.error() != null ? ", " + e.error() : "");
    }

    private static String at(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
