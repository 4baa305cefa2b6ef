package dev.taskdrivers.exec;

import dev.taskdrivers.tck.DriverContractTest;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The driver contract with /bin/sh scripts as tasks: the fixtures raw_exec and exec share (config {command, args}). */
public abstract class ShellTaskContractTest extends DriverContractTest {

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        return sh("exit " + code);
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return Optional.of(Map.of(
                "command",
                "/bin/sh",
                "args",
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
    protected Optional<Map<String, Object>> exitingZeroIfFileHolds(String fileInTask, String content) {
        return Optional.of(Map.of(
                "command",
                "/bin/sh",
                "args",
                List.of("-c", "[ \"$(cat \"$1\")\" = \"$2\" ]", "check", fileInTask, content)));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfItCanWrite(String fileInTask) {
        return Optional.of(
                Map.of("command", "/bin/sh", "args", List.of("-c", "echo written > \"$1\"", "write", fileInTask)));
    }

    private static Optional<Map<String, Object>> sh(String script) {
        return Optional.of(Map.of("command", "/bin/sh", "args", List.of("-c", script)));
    }
}
