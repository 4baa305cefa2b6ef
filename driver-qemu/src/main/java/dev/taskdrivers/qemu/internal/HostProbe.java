package dev.taskdrivers.qemu.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Facts about this host that decide what the driver can do: the QEMU version (whether KVM runs guests: {@link KvmSupport}). */
final class HostProbe {
    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\d+\\.\\d+(?:\\.\\d+)?)");

    private HostProbe() {}

    /** The outcome of {@code qemu --version}. */
    sealed interface QemuVersion permits Found, Missing, Broken {}

    record Found(String version) implements QemuVersion {}

    record Missing(String reason) implements QemuVersion {}

    record Broken(String reason) implements QemuVersion {}

    static QemuVersion qemuVersion(String qemuPath) {
        Process p;
        try {
            p = new ProcessBuilder(qemuPath, "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return new Missing(qemuPath + " cannot be run: " + e.getMessage());
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Broken(qemuPath + " --version did not answer within 10 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = VERSION.matcher(out);
            if (p.exitValue() != 0 || !m.find()) {
                return new Broken(qemuPath + " --version exited " + p.exitValue() + ": " + out.strip());
            }
            return new Found(m.group(1));
        } catch (IOException e) {
            return new Broken(qemuPath + " --version failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Broken("interrupted while asking " + qemuPath + " for its version");
        }
    }

    static Optional<String> versionString(QemuVersion v) {
        return v instanceof Found f ? Optional.of(f.version()) : Optional.empty();
    }
}
