package dev.taskdrivers.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a driver needs to know about one task.
 *
 * @param id who the task is: allocation, job, group and task names
 * @param driverConfig the task's {@code config} block for this driver (JSON-like values)
 * @param env the task's environment, including the {@code NOMAD_*} variables (see {@link TaskEnvironment})
 * @param resources cpu, memory and ports granted to the task
 * @param dirs the task's directories on the host
 * @param user the user to run as, or {@code null} for the driver's default
 * @param killTimeout how long a stop waits after the kill signal before forcing
 * @param killSignal the signal a stop sends first, e.g. {@code SIGTERM}
 * @param logs how the task's stdout and stderr files in {@link TaskDirs#logsDir()} are rotated; {@code null} reads as
 *        {@link LogConfig#DEFAULT}
 * @param mounts the host directories the task sees, in the order its spec names them; {@code null} reads as none.
 *        Given only to drivers whose {@link Capabilities#volumeMounts()} is true
 */
public record TaskConfig(
        TaskId id,
        Map<String, Object> driverConfig,
        Map<String, String> env,
        Resources resources,
        TaskDirs dirs,
        @Nullable String user,
        Duration killTimeout,
        String killSignal,
        LogConfig logs,
        List<TaskMount> mounts) {

    public static final Duration DEFAULT_KILL_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_KILL_SIGNAL = "SIGTERM";

    public TaskConfig {
        Objects.requireNonNull(id, "id");
        driverConfig = Map.copyOf(Objects.requireNonNull(driverConfig, "driverConfig"));
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(dirs, "dirs");
        killTimeout = killTimeout == null ? DEFAULT_KILL_TIMEOUT : killTimeout;
        killSignal = killSignal == null ? DEFAULT_KILL_SIGNAL : killSignal;
        logs = logs == null ? LogConfig.DEFAULT : logs;
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        if (killTimeout.isNegative()) {
            throw new IllegalArgumentException("killTimeout must not be negative: " + killTimeout);
        }
    }

    /** A task without mounts. */
    public TaskConfig(
            TaskId id,
            Map<String, Object> driverConfig,
            Map<String, String> env,
            Resources resources,
            TaskDirs dirs,
            @Nullable String user,
            Duration killTimeout,
            String killSignal,
            LogConfig logs) {
        this(id, driverConfig, env, resources, dirs, user, killTimeout, killSignal, logs, List.of());
    }

    /** A task whose logs are rotated at {@link LogConfig#DEFAULT}. */
    public TaskConfig(
            TaskId id,
            Map<String, Object> driverConfig,
            Map<String, String> env,
            Resources resources,
            TaskDirs dirs,
            @Nullable String user,
            Duration killTimeout,
            String killSignal) {
        this(id, driverConfig, env, resources, dirs, user, killTimeout, killSignal, LogConfig.DEFAULT, List.of());
    }

    /** The same task with another environment (the runner adds port variables after prestart). */
    public TaskConfig withEnv(Map<String, String> newEnv) {
        return new TaskConfig(id, driverConfig, newEnv, resources, dirs, user, killTimeout, killSignal, logs, mounts);
    }

    /**
     * The same task with another driver config (the runner adds the options that join a group's network).
     *
     * @param newDriverConfig the task's {@code config} block
     * @return a copy with that config
     */
    public TaskConfig withDriverConfig(Map<String, Object> newDriverConfig) {
        return new TaskConfig(id, newDriverConfig, env, resources, dirs, user, killTimeout, killSignal, logs, mounts);
    }

    /** The same task with these log limits. */
    public TaskConfig withLogs(LogConfig newLogs) {
        return new TaskConfig(
                id,
                driverConfig,
                env,
                resources,
                dirs,
                user,
                killTimeout,
                killSignal,
                Objects.requireNonNull(newLogs),
                mounts);
    }

    /**
     * The same task with these mounts.
     *
     * @param newMounts the host directories the task sees
     * @return a copy with those mounts
     */
    public TaskConfig withMounts(List<TaskMount> newMounts) {
        return new TaskConfig(id, driverConfig, env, resources, dirs, user, killTimeout, killSignal, logs, newMounts);
    }

    @Override
    public String toString() {
        return "TaskConfig[id=" + id + ", driverConfig=" + Redaction.redact(driverConfig)
                + ", env=" + Redaction.redact(env) + ", resources=" + resources + ", dirs=" + dirs
                + ", user=" + user + ", killTimeout=" + killTimeout + ", killSignal=" + killSignal + ", logs=" + logs
                + (mounts.isEmpty() ? "" : ", mounts=" + mounts) + "]";
    }
}
