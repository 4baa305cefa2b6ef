package dev.taskdrivers.rkt.internal;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.rkt.RktDriverFactory;
import dev.taskdrivers.tck.DriverContractTest;
import dev.taskdrivers.tck.InvalidConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The driver contract with rkt's capabilities: exec yes, signals no. Runs against the stand-in rkt (no rkt binary
 * can be obtained); its pods' apps are real processes, so stop, exec and exit codes are real.
 */
class RktContractTest extends DriverContractTest {
    private static final StandinRkt RKT =
            StandinRkt.install(Path.of(System.getProperty("java.io.tmpdir"), "rkt-contract-" + UUID.randomUUID()));

    @Override
    protected DriverFactory factory() {
        return new RktDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        // The stand-in needs only bash, which every supported host has.
    }

    @Override
    protected Map<String, Object> driverOptions() {
        return Map.of("rkt_path", RKT.path(), "network_timeout", "2s");
    }

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        return sh("exit " + code);
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return sh("[ \"$" + name + "\" = '" + value + "' ]");
    }

    @Override
    protected Optional<Map<String, Object>> runningUntilStopped() {
        return Optional.of(Map.of("image", "docker://busybox:1", "command", "/bin/sleep", "args", List.of("1000")));
    }

    @Override
    protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
        return sh("trap '' TERM; touch \"$NOMAD_ALLOC_DIR/" + readyFile + "\"; while :; do sleep 0.1; done");
    }

    @Override
    protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
        return Optional.empty();
    }

    @Override
    protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
        return sh("while [ ! -e \"$NOMAD_ALLOC_DIR/" + triggerFile + "\" ]; do sleep 0.05; done; exit " + code);
    }

    @Override
    protected Optional<List<String>> execPrinting(String text, int code) {
        return Optional.of(List.of("/bin/sh", "-c", "echo '" + text + "'; exit " + code));
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("volumes", List.of("relative:/data"), "bogus", 1),
                Set.of("config.image", "config.volumes[0]", "config.bogus")));
    }

    private static Optional<Map<String, Object>> sh(String script) {
        return Optional.of(Map.of("image", "docker://busybox:1", "command", "/bin/sh", "args", List.of("-c", script)));
    }
}
