package dev.taskdrivers.qemu.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Node attributes naming the emulators tasks may use, each with its version, so jobs can constrain on them. */
final class EmulatorFingerprint {
    private EmulatorFingerprint() {}

    /**
     * {@code driver.qemu.emulators} (architectures, comma separated) and {@code driver.qemu.emulator.<arch>.version}
     * for each emulator that answers {@code --version}; one that does not is left out.
     */
    static Map<String, String> attributes(Emulators emulators) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Map.Entry<String, Path> emulator : emulators.installed().entrySet()) {
            HostProbe.versionString(HostProbe.qemuVersion(emulator.getValue().toString()))
                    .ifPresent(v -> versions.put(emulator.getKey(), v));
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("driver.qemu.emulators", String.join(",", versions.keySet()));
        versions.forEach((arch, version) -> attributes.put("driver.qemu.emulator." + arch + ".version", version));
        return attributes;
    }
}
