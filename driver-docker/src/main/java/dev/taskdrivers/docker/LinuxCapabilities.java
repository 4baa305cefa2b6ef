package dev.taskdrivers.docker;

import com.github.dockerjava.api.model.Capability;
import java.util.Locale;

/** Parses capability names as users write them: {@code NET_ADMIN}, {@code net_admin} or {@code CAP_NET_ADMIN}. */
final class LinuxCapabilities {

    private LinuxCapabilities() {
    }

    /** The capability, or null when {@code name} is not one. */
    static Capability parse(String name) {
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
}
