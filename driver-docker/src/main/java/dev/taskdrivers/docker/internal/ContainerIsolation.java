package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import dev.taskdrivers.api.ConfigReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a task's container is set apart from the host, as Nomad's docker driver reads it: the namespace modes
 * ({@code pid_mode}, {@code ipc_mode}, {@code uts_mode}, {@code userns_mode}, {@code cgroupns}), {@code sysctl},
 * {@code readonly_rootfs}, {@code runtime}, {@code isolation}, {@code init}, {@code group_add}, {@code devices} and
 * {@code healthchecks}. Sharing a namespace with the host needs the operator's {@code allow_privileged}.
 *
 * @param pidMode {@code host} or null
 * @param ipcMode {@code host}, {@code private}, {@code shareable}, {@code none} or null
 * @param utsMode {@code host} or null
 * @param usernsMode {@code host} or null
 * @param cgroupns {@code host}, {@code private} or null for the engine's default
 * @param sysctl kernel parameters of the container's namespaces
 * @param readonlyRootfs whether the image's filesystem is mounted read-only
 * @param runtime the OCI runtime, or null for the engine's default
 * @param isolation the Windows isolation technology, or null
 * @param init whether the engine's init runs as PID 1 and reaps zombies
 * @param groupAdd extra groups of the container's user
 * @param devices host devices made available
 * @param disableHealthcheck whether the image's HEALTHCHECK is switched off
 */
public record ContainerIsolation(
        @Nullable String pidMode,
        @Nullable String ipcMode,
        @Nullable String utsMode,
        @Nullable String usernsMode,
        @Nullable String cgroupns,
        Map<String, String> sysctl,
        boolean readonlyRootfs,
        @Nullable String runtime,
        @Nullable String isolation,
        boolean init,
        List<String> groupAdd,
        List<Device> devices,
        boolean disableHealthcheck) {

    private static final Set<String> IPC_MODES = Set.of("host", "private", "shareable", "none");
    private static final Set<String> WINDOWS_ISOLATIONS = Set.of("default", "process", "hyperv");

    /**
     * Reads the options from {@code r}; {@code config} is the (folded) map {@code r} reads, for the devices list.
     * {@code allowPrivileged} and {@code allowedRuntimes} are the operator's.
     */
    public static ContainerIsolation read(
            ConfigReader r,
            Map<String, Object> config,
            boolean allowPrivileged,
            List<String> allowedRuntimes,
            boolean windowsEngine) {
        String pid = hostOnly(r, "pid_mode", allowPrivileged);
        String uts = hostOnly(r, "uts_mode", allowPrivileged);
        String userns = hostOnly(r, "userns_mode", allowPrivileged);
        String ipc = r.optionalString("ipc_mode");
        if (ipc != null) {
            if (!IPC_MODES.contains(ipc)) {
                r.problem("ipc_mode", "must be one of host, private, shareable, none, got \"" + ipc + "\"");
            } else if (ipc.equals("host") && !allowPrivileged) {
                r.problem("ipc_mode", "host needs the driver configuration's allow_privileged = true");
            }
        }
        String cgroupns = r.optionalString("cgroupns");
        if (cgroupns != null && !Set.of("host", "private").contains(cgroupns)) {
            r.problem("cgroupns", "must be host or private, got \"" + cgroupns + "\"");
        }
        Map<String, String> sysctl = r.stringMap("sysctl");
        boolean readonly = r.bool("readonly_rootfs", false);
        String runtime = r.optionalString("runtime");
        if (runtime != null && !allowedRuntimes.contains(runtime)) {
            r.problem(
                    "runtime",
                    "\"" + runtime + "\" is not allowed by the driver configuration (allow_runtimes = "
                            + allowedRuntimes + ")");
        }
        String isolation = readIsolation(r, windowsEngine);
        boolean init = r.bool("init", false);
        List<String> groupAdd = r.stringList("group_add");
        List<Device> devices = readDevices(r, config);
        ConfigReader health = r.nested("healthchecks");
        boolean disableHealthcheck = health.bool("disable", false);
        r.include(health);
        return new ContainerIsolation(
                pid,
                ipc,
                uts,
                userns,
                cgroupns,
                sysctl,
                readonly,
                runtime,
                isolation,
                init,
                groupAdd,
                devices,
                disableHealthcheck);
    }

    private static @Nullable String hostOnly(ConfigReader r, String key, boolean allowPrivileged) {
        String mode = r.optionalString(key);
        if (mode == null || mode.isEmpty()) {
            return null;
        }
        if (!mode.equals("host")) {
            r.problem(key, "must be host or not set, got \"" + mode + "\"");
        } else if (!allowPrivileged) {
            r.problem(key, "host needs the driver configuration's allow_privileged = true");
        }
        return mode;
    }

    private static @Nullable String readIsolation(ConfigReader r, boolean windowsEngine) {
        String isolation = r.optionalString("isolation");
        if (isolation == null) {
            return null;
        }
        String lower = isolation.toLowerCase(Locale.ROOT);
        if (!WINDOWS_ISOLATIONS.contains(lower)) {
            r.problem("isolation", "must be one of default, process, hyperv, got \"" + isolation + "\"");
        } else if (!windowsEngine && !lower.equals("default")) {
            r.problem("isolation", "\"" + isolation + "\" is for Windows containers; on Linux only \"default\"");
        }
        return windowsEngine ? lower : null;
    }

    private static List<Device> readDevices(ConfigReader r, Map<String, Object> config) {
        if (!r.has("devices")) {
            return List.of();
        }
        if (!(config.get("devices") instanceof List<?> list)) {
            r.problem("devices", "must be a list of objects");
            return List.of();
        }
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> item)) {
                r.problem("devices[" + i + "]", "must be an object");
                continue;
            }
            @SuppressWarnings("unchecked")
            ConfigReader d = new ConfigReader((Map<String, Object>) item, "config.devices[" + i + "]");
            String hostPath = d.requiredString("host_path");
            String containerPath = d.optionalString("container_path");
            if (containerPath == null) {
                containerPath = hostPath; // the same path inside the container
            }
            String permissions = d.string("cgroup_permissions", "rwm");
            if (hostPath != null && !hostPath.startsWith("/")) {
                d.problem("host_path", "must be an absolute path, got \"" + hostPath + "\"");
            }
            if (containerPath != null && !containerPath.startsWith("/")) {
                d.problem("container_path", "must be an absolute path, got \"" + containerPath + "\"");
            }
            if (!permissions.matches("[rwm]{1,3}")
                    || permissions.chars().distinct().count() != permissions.length()) {
                d.problem(
                        "cgroup_permissions",
                        "must be letters of r, w, m, each at most once, got \"" + permissions + "\"");
            }
            r.include(d);
            if (hostPath != null && containerPath != null) {
                devices.add(new Device(permissions, containerPath, hostPath));
            }
        }
        return devices;
    }

    /** Sets these options on the create command and its host config. */
    public void applyTo(CreateContainerCmd cmd, HostConfig host) {
        if (pidMode != null) {
            host.withPidMode(pidMode);
        }
        if (ipcMode != null) {
            host.withIpcMode(ipcMode);
        }
        if (utsMode != null) {
            host.withUtSMode(utsMode);
        }
        if (usernsMode != null) {
            host.withUsernsMode(usernsMode);
        }
        if (cgroupns != null) {
            host.withCgroupnsMode(cgroupns);
        }
        if (!sysctl.isEmpty()) {
            host.withSysctls(sysctl);
        }
        host.withReadonlyRootfs(readonlyRootfs).withInit(init);
        if (runtime != null) {
            host.withRuntime(runtime);
        }
        if (isolation != null) {
            host.withIsolation(com.github.dockerjava.api.model.Isolation.valueOf(isolation.toUpperCase(Locale.ROOT)));
        }
        if (!groupAdd.isEmpty()) {
            host.withGroupAdd(groupAdd);
        }
        if (!devices.isEmpty()) {
            host.withDevices(devices);
        }
        if (disableHealthcheck) {
            cmd.withHealthcheck(new HealthCheck().withTest(List.of("NONE")));
        }
    }
}
