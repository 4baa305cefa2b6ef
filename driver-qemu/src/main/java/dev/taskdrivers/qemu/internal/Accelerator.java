package dev.taskdrivers.qemu.internal;

import java.util.Locale;
import java.util.Optional;

/** How QEMU executes guest code. */
public enum Accelerator {
    /** QEMU's own translator; works everywhere, slower. */
    TCG,
    /** Hardware virtualisation through /dev/kvm. */
    KVM;

    /** The name QEMU and task configs use. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Accelerator> parse(String value) {
        for (Accelerator a : values()) {
            if (a.configName().equals(value)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
