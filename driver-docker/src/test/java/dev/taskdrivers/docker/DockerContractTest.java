package dev.taskdrivers.docker;

import static dev.taskdrivers.docker.DockerTestEnv.LOCAL_IMAGE;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.tck.DriverContractTest;
import dev.taskdrivers.tck.InvalidConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Order;

/** The driver contract on a real engine, with the local busybox test image. */
@Order(6)
class DockerContractTest extends DriverContractTest {

    @Override
    protected DriverFactory factory() {
        return new DockerDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        DockerTestEnv.requireEngine();
    }

    @Override
    protected Map<String, Object> driverOptions() {
        return Map.of("image_gc", Map.of("enabled", false)); // the local test image must stay
    }

    private static Map<String, Object> sh(String script, String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("-c", script, "sh"));
        argv.addAll(List.of(args));
        return Map.of("image", LOCAL_IMAGE, "command", "/bin/sh", "args", argv);
    }

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        return Optional.of(sh("exit " + code));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return Optional.of(sh("[ \"$" + name + "\" = \"$1\" ]", value));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfFileHolds(String fileInTask, String content) {
        return Optional.of(sh("[ \"$(cat \"$1\")\" = \"$2\" ]", fileInTask, content));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfItCanWrite(String fileInTask) {
        return Optional.of(sh("echo written > \"$1\"", fileInTask));
    }

    @Override
    protected Optional<Map<String, Object>> runningUntilStopped() {
        return Optional.of(sh("trap 'exit 143' TERM; while true; do sleep 0.1; done"));
    }

    @Override
    protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
        return Optional.of(
                sh("trap '' TERM; touch \"$NOMAD_ALLOC_DIR/$1\"; while true; do sleep 0.1; done", readyFile));
    }

    @Override
    protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
        String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        return Optional.of(sh(
                "trap 'exit " + code + "' " + name + "; touch \"$NOMAD_ALLOC_DIR/$1\"; while true; do sleep 0.1; done",
                readyFile));
    }

    @Override
    protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
        return Optional.of(sh("while [ ! -e \"$NOMAD_ALLOC_DIR/$1\" ]; do sleep 0.1; done; exit " + code, triggerFile));
    }

    @Override
    protected Optional<List<String>> execPrinting(String text, int code) {
        return Optional.of(List.of("sh", "-c", "echo \"$1\"; exit " + code, "sh", text));
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("command", 5, "bogus", true), Set.of("config.image", "config.command", "config.bogus")));
    }
}
