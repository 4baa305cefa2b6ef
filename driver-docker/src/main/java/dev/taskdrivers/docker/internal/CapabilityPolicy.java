package dev.taskdrivers.docker.internal;

import com.github.dockerjava.api.model.Capability;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The operator's {@code allow_caps}: the capabilities a task's container may hold. A task may add only allowed ones
 * with {@code cap_add}; the engine's default capabilities that are not allowed are dropped from every container
 * (with Nomad's default list that is NET_RAW). {@code "all"} allows every capability and drops nothing.
 */
public final class CapabilityPolicy {
    /** Nomad's default: the engine's default set without NET_RAW. */
    public static final List<String> NOMAD_DEFAULT = List.of(
            "audit_write",
            "chown",
            "dac_override",
            "fowner",
            "fsetid",
            "kill",
            "mknod",
            "net_bind_service",
            "setfcap",
            "setgid",
            "setpcap",
            "setuid",
            "sys_chroot");
    /** What the engine gives a container that is not privileged. */
    static final Set<Capability> ENGINE_DEFAULT = EnumSet.of(
            Capability.AUDIT_WRITE,
            Capability.CHOWN,
            Capability.DAC_OVERRIDE,
            Capability.FOWNER,
            Capability.FSETID,
            Capability.KILL,
            Capability.MKNOD,
            Capability.NET_BIND_SERVICE,
            Capability.NET_RAW,
            Capability.SETFCAP,
            Capability.SETGID,
            Capability.SETPCAP,
            Capability.SETUID,
            Capability.SYS_CHROOT);

    private final boolean all;
    private final Set<Capability> allowed;

    private CapabilityPolicy(boolean all, Set<Capability> allowed) {
        this.all = all;
        this.allowed = allowed;
    }

    /** The policy of {@code names} (already checked to be capabilities or {@code all}). */
    public static CapabilityPolicy of(List<String> names) {
        if (names.stream().anyMatch(n -> n.strip().equalsIgnoreCase("all"))) {
            return new CapabilityPolicy(true, EnumSet.allOf(Capability.class));
        }
        Set<Capability> allowed = EnumSet.noneOf(Capability.class);
        for (String name : names) {
            Capability c = parse(name);
            if (c != null) {
                allowed.add(c);
            }
        }
        return new CapabilityPolicy(false, allowed);
    }

    /** Parses {@code NET_ADMIN}, {@code net_admin} or {@code CAP_NET_ADMIN}; null when it is no capability. */
    public static @Nullable Capability parse(String name) {
        String n = name.strip().toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) {
            n = n.substring(4);
        }
        try {
            return Capability.valueOf(n);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean allowsAll() {
        return all;
    }

    /** Whether a task may add {@code capability} ({@code ALL} only when every capability is allowed). */
    public boolean allows(Capability capability) {
        return all || capability != Capability.ALL && allowed.contains(capability);
    }

    /** The allowed capabilities, lower case and sorted, as an operator writes them. */
    public String describe() {
        return all
                ? "all"
                : allowed.stream()
                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                        .sorted()
                        .collect(Collectors.joining(", "));
    }

    /** The task's drops plus the engine defaults that are neither allowed nor added by the task. */
    public Set<Capability> drops(List<Capability> taskAdds, List<Capability> taskDrops) {
        Set<Capability> drops = new LinkedHashSet<>(taskDrops);
        if (!all) {
            for (Capability c : ENGINE_DEFAULT) {
                if (!allowed.contains(c) && !taskAdds.contains(c)) {
                    drops.add(c);
                }
            }
        }
        return drops;
    }
}
