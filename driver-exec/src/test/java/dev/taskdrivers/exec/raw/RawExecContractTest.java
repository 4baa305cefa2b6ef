package dev.taskdrivers.exec.raw;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.tck.DriverContractTest;
import dev.taskdrivers.tck.InvalidConfig;
import dev.taskdrivers.tck.RealEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** raw_exec keeps the driver contract, with /bin/sh scripts as tasks. */
class RawExecContractTest extends DriverContractTest {

    @Override
    protected DriverFactory factory() {
        return new RawExecDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        RealEnvironment.require(Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/setsid")),
                "Linux with /bin/sh and setsid (util-linux)");
    }

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        return sh("exit " + code);
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return Optional.of(Map.of("command", "/bin/sh", "args",
                List.of("-c", "eval \"actual=\\${$1-}\"; [ \"$actual\" = \"$2\" ]", "check", name, value)));
    }

    @Override
    protected Optional<Map<String, Object>> runningUntilStopped() {
        return Optional.of(Map.of("command", "sleep", "args", List.of("600")));
    }

    @Override
    protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
        return sh("trap '' TERM; touch \"$NOMAD_ALLOC_DIR/" + readyFile + "\"; while :; do sleep 1; done");
    }

    @Override
    protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
        String name = signal.replaceFirst("^SIG", "");
        return sh("trap 'exit " + code + "' " + name + "; touch \"$NOMAD_ALLOC_DIR/" + readyFile
                + "\"; while :; do sleep 0.1; done");
    }

    @Override
    protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
        return sh("until [ -e \"$NOMAD_ALLOC_DIR/" + triggerFile + "\" ]; do sleep 0.1; done; exit " + code);
    }

    @Override
    protected Optional<List<String>> execPrinting(String text, int code) {
        return Optional.of(List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\"; exit " + code, "exec", text));
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(Map.of("args", "not-a-list", "bogus", true),
                Set.of("config.command", "config.args", "config.bogus")));
    }

    private static Optional<Map<String, Object>> sh(String script) {
        return Optional.of(Map.of("command", "/bin/sh", "args", List.of("-c", script)));
    }
}
