package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.Fingerprint;
import java.util.LinkedHashMap;
import java.util.Map;

/** The java driver's health: a JDK that answers, and the exec machinery's own health. */
final class JavaFingerprint {
    static final String PREFIX = "driver.java";

    private JavaFingerprint() {}

    static Fingerprint of(Jdk jdk, JdkVersion version, JavaIsolation isolation, Fingerprint machinery) {
        if (!machinery.isHealthy()) {
            String hint = isolation == JavaIsolation.CHROOT
                    ? " (the operator can run java tasks without isolation with the driver option isolation = \"none\")"
                    : "";
            return Fingerprint.builder()
                    .health(machinery.health())
                    .description("java tasks run " + describe(isolation) + ", which cannot run here: "
                            + machinery.description() + hint)
                    .build();
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(PREFIX, "1");
        attributes.put(PREFIX + ".version", version.version());
        attributes.put(PREFIX + ".vendor", version.vendor());
        attributes.put(PREFIX + ".runtime", version.runtime());
        attributes.put(PREFIX + ".vm", version.vm());
        attributes.put(PREFIX + ".home", jdk.home().toString());
        attributes.put(PREFIX + ".isolation", isolation.text());
        return Fingerprint.healthy(
                "java " + version.version() + " (" + version.vendor() + ") from " + jdk.home() + " (found by "
                        + jdk.source() + "), tasks run " + describe(isolation),
                attributes);
    }

    private static String describe(JavaIsolation isolation) {
        return isolation == JavaIsolation.CHROOT
                ? "isolated like exec (chroot, namespaces, cgroup)"
                : "as plain host processes like raw_exec (isolation = \"none\")";
    }
}
