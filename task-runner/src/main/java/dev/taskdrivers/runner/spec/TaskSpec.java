package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.Redaction;
import dev.taskdrivers.api.Resources;
import dev.taskdrivers.api.TaskConfig;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One task of a group.
 *
 * <p>The record keeps what it is given, except that a cpu or memory of 0 (not set) becomes the default. Other
 * values, a negative cpu for instance, are kept as they are and refused by {@link JobValidator} when the job is
 * parsed or submitted, with the same JSON path the spec parser would name.
 *
 * @param name unique within the group
 * @param driver the driver name, e.g. {@code raw_exec}
 * @param leader whether the other tasks of the allocation are stopped when this one ends
 * @param config the driver's configuration (JSON-like values)
 * @param env the task's own environment variables
 * @param meta metadata, visible as {@code NOMAD_META_<key>}
 * @param user the user to run as, or {@code null} for the driver's default
 * @param cpu cpu share in MHz; 0 means not set and becomes {@link Resources#DEFAULT_CPU_MHZ}
 * @param memoryMb memory limit in MiB; 0 means not set and becomes {@link Resources#DEFAULT_MEMORY_MB}
 * @param ports the ports the task asks for
 * @param restart the task's restart policy, or {@code null} to use its group's
 * @param killTimeout how long a stop waits after the kill signal before forcing
 * @param killSignal the first signal a stop sends
 * @param services the services the task advertises
 */
public record TaskSpec(String name, String driver, boolean leader, Map<String, Object> config,
        Map<String, String> env, Map<String, String> meta, String user, int cpu, int memoryMb,
        List<PortSpec> ports, RestartPolicy restart, Duration killTimeout, String killSignal,
        List<ServiceSpec> services) {

    public TaskSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        config = Map.copyOf(config == null ? Map.of() : config);
        env = Map.copyOf(env == null ? Map.of() : env);
        meta = Map.copyOf(meta == null ? Map.of() : meta);
        cpu = cpu == 0 ? Resources.DEFAULT_CPU_MHZ : cpu;
        memoryMb = memoryMb == 0 ? Resources.DEFAULT_MEMORY_MB : memoryMb;
        ports = List.copyOf(ports == null ? List.of() : ports);
        killTimeout = killTimeout == null ? TaskConfig.DEFAULT_KILL_TIMEOUT : killTimeout;
        killSignal = killSignal == null ? TaskConfig.DEFAULT_KILL_SIGNAL : killSignal;
        services = List.copyOf(services == null ? List.of() : services);
    }

    /** A task with the given driver configuration and every other field at its default. */
    public static TaskSpec of(String name, String driver, Map<String, Object> config) {
        return new TaskSpec(name, driver, false, config, Map.of(), Map.of(), null, 0, 0, List.of(), null, null,
                null, List.of());
    }

    public TaskSpec withLeader(boolean value) {
        return new TaskSpec(name, driver, value, config, env, meta, user, cpu, memoryMb, ports, restart,
                killTimeout, killSignal, services);
    }

    public TaskSpec withEnv(Map<String, String> value) {
        return new TaskSpec(name, driver, leader, config, value, meta, user, cpu, memoryMb, ports, restart,
                killTimeout, killSignal, services);
    }

    public TaskSpec withPorts(List<PortSpec> value) {
        return new TaskSpec(name, driver, leader, config, env, meta, user, cpu, memoryMb, value, restart,
                killTimeout, killSignal, services);
    }

    /** The same task with this cpu share (MHz) and memory limit (MiB); 0 for the default. */
    public TaskSpec withResources(int cpuMhz, int memoryMiB) {
        return new TaskSpec(name, driver, leader, config, env, meta, user, cpuMhz, memoryMiB, ports, restart,
                killTimeout, killSignal, services);
    }

    public TaskSpec withRestart(RestartPolicy value) {
        return new TaskSpec(name, driver, leader, config, env, meta, user, cpu, memoryMb, ports, value,
                killTimeout, killSignal, services);
    }

    public TaskSpec withKill(Duration timeout, String signal) {
        return new TaskSpec(name, driver, leader, config, env, meta, user, cpu, memoryMb, ports, restart,
                timeout, signal, services);
    }

    public TaskSpec withServices(List<ServiceSpec> value) {
        return new TaskSpec(name, driver, leader, config, env, meta, user, cpu, memoryMb, ports, restart,
                killTimeout, killSignal, value);
    }

    @Override
    public String toString() {
        return "TaskSpec[name=" + name + ", driver=" + driver + ", leader=" + leader + ", config="
                + Redaction.redact(config) + ", env=" + Redaction.redact(env) + ", cpu=" + cpu + ", memoryMb="
                + memoryMb + ", ports=" + ports + ", restart=" + restart + ", killTimeout=" + killTimeout + "]";
    }
}
