package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.Fingerprint;
import dev.taskdrivers.exec.internal.cgroup.CgroupVersion;
import dev.taskdrivers.hostprocess.Executables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Whether raw_exec can run tasks on this node. */
final class RawExecFingerprint {
    /** Which supervisor starts tasks: {@code fork_server} (Perl found) or {@code shell}. */
    static final String SUPERVISOR_ATTRIBUTE = "driver.raw_exec.supervisor";

    private RawExecFingerprint() {}

    /** Whether each task gets a cgroup of its own: {@code true} or {@code false}. */
    static final String CGROUP_ATTRIBUTE = "driver.raw_exec.cgroup";
    /** The cgroup version of those cgroups, {@code 1} or {@code 2}, when tasks get them. */
    static final String CGROUP_VERSION_ATTRIBUTE = "driver.raw_exec.cgroup_version";

    static Fingerprint of(RawExecOptions options, Supplier<RawExecCgroups> cgroups) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return Fingerprint.undetected("raw_exec needs Linux, this is " + System.getProperty("os.name"));
        }
        if (!options.enabled()) {
            return Fingerprint.unhealthy("raw_exec is disabled by the operator (option enabled = false)");
        }
        for (String tool : new String[] {"setsid", "kill", "mv"}) {
            if (Executables.resolve(tool, Executables.DEFAULT_PATH, null).isEmpty()) {
                return Fingerprint.unhealthy("raw_exec needs '" + tool + "' (util-linux / procps / coreutils),"
                        + " not found on " + Executables.DEFAULT_PATH);
            }
        }
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return Fingerprint.unhealthy("raw_exec needs /bin/sh");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("driver.raw_exec", "1");
        attributes.put("kernel.name", "linux");
        attributes.put("kernel.version", System.getProperty("os.version", "unknown"));
        attributes.put("os.arch", System.getProperty("os.arch", "unknown"));
        // without Perl each task gets a shell supervisor: slower, and exit codes 129-192 read as signals
        attributes.put(SUPERVISOR_ATTRIBUTE, options.usesForkServer() ? "fork_server" : "shell");
        osName().ifPresent(name -> attributes.put("os.name", name));
        RawExecCgroups found = cgroups.get();
        attributes.put(CGROUP_ATTRIBUTE, Boolean.toString(found.system().isPresent()));
        found.system()
                .ifPresent(system ->
                        attributes.put(CGROUP_VERSION_ATTRIBUTE, system.version() == CgroupVersion.V1 ? "1" : "2"));
        return Fingerprint.healthy(
                found.system().isPresent()
                        ? "raw_exec runs tasks as host processes, each in a cgroup of its own below " + found.parent()
                        : "raw_exec runs tasks as host processes, in the runner's cgroup: " + found.unavailableReason(),
                attributes);
    }

    private static Optional<String> osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream()
                    .filter(line -> line.startsWith("PRETTY_NAME="))
                    .map(line -> line.substring("PRETTY_NAME=".length()).replace("\"", ""))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
