package dev.taskdrivers.exec.internal.java;

import java.util.Optional;

/** How the java driver runs its JVMs: isolated as the exec driver runs tasks, or as plain host processes. */
public enum JavaIsolation {
    /** A chroot of read-only bind mounts (the JDK among them), namespaces and a cgroup, as the exec driver does. */
    CHROOT("chroot"),
    /** A plain host process, as the raw_exec driver runs it. */
    NONE("none");

    private final String text;

    JavaIsolation(String text) {
        this.text = text;
    }

    /** The option's value, e.g. {@code chroot}. */
    public String text() {
        return text;
    }

    static Optional<JavaIsolation> parse(String text) {
        for (JavaIsolation i : values()) {
            if (i.text.equals(text)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }
}
