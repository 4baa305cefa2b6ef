package dev.taskdrivers.exec.internal.isolated;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The Linux capabilities by name, in the kernel's numbering, and the names tasks and operators may write. */
final class LinuxCapabilities {
    /** Stands for every capability in {@code cap_add}, {@code cap_drop} and {@code allow_caps}. */
    static final String ALL = "all";

    /** The kernel's capabilities, the index being the number (capability.h). */
    static final List<String> NAMES = List.of(
            "chown",
            "dac_override",
            "dac_read_search",
            "fowner",
            "fsetid",
            "kill",
            "setgid",
            "setuid",
            "setpcap",
            "linux_immutable",
            "net_bind_service",
            "net_broadcast",
            "net_admin",
            "net_raw",
            "ipc_lock",
            "ipc_owner",
            "sys_module",
            "sys_rawio",
            "sys_chroot",
            "sys_ptrace",
            "sys_pacct",
            "sys_admin",
            "sys_boot",
            "sys_nice",
            "sys_resource",
            "sys_time",
            "sys_tty_config",
            "mknod",
            "lease",
            "audit_write",
            "audit_control",
            "setfcap",
            "mac_override",
            "mac_admin",
            "syslog",
            "wake_alarm",
            "block_suspend",
            "audit_read",
            "perfmon",
            "bpf",
            "checkpoint_restore");

    /** What an exec task gets unless it adds or drops some, and what the operator allows by default (Nomad's). */
    static final Set<String> TASK_DEFAULTS = Set.of(
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

    private LinuxCapabilities() {}

    /**
     * The name as written here: lower case, without the {@code CAP_} prefix ({@code CAP_NET_RAW} is
     * {@code net_raw}); empty when it names no capability (and is not {@value #ALL}).
     */
    static Optional<String> normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("cap_")) {
            n = n.substring(4);
        }
        return n.equals(ALL) || NAMES.contains(n) ? Optional.of(n) : Optional.empty();
    }

    static int number(String name) {
        int n = NAMES.indexOf(name);
        if (n < 0) {
            throw new IllegalArgumentException("no capability " + name);
        }
        return n;
    }

    static Set<String> all() {
        return new TreeSet<>(NAMES);
    }
}
