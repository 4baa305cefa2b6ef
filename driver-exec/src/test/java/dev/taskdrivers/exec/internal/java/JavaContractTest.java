package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.DriverFactory;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecOptions;
import dev.taskdrivers.exec.java.JavaDriverFactory;
import dev.taskdrivers.tck.DriverContractTest;
import dev.taskdrivers.tck.InvalidConfig;
import dev.taskdrivers.tck.RealEnvironment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The java driver keeps the driver contract, isolated (its default): every task is the probe program's jar, bound
 * read-only into the chroot at {@value #JAR_DIR} and run by the JDK the driver found, as nobody.
 */
class JavaContractTest extends DriverContractTest {
    static final String JAR_DIR = "/opt/probe";

    @Override
    protected DriverFactory factory() {
        return new JavaDriverFactory();
    }

    @Override
    protected void requireEnvironment() {
        JavaHost.requireIsolation();
    }

    @Override
    protected Map<String, Object> driverOptions() {
        Map<String, Object> chrootEnv = new LinkedHashMap<>();
        IsolatedExecOptions.DEFAULT_CHROOT_ENV.forEach(p -> chrootEnv.put(p, p));
        chrootEnv.put(ProbeJars.shared().toString(), JAR_DIR);
        return Map.of("chroot_env", chrootEnv);
    }

    /** The jar's path as the task names it. */
    protected String jarPath() {
        return JAR_DIR + "/probe.jar";
    }

    private Optional<Map<String, Object>> probe(String... args) {
        return Optional.of(Map.of("jar_path", jarPath(), "args", List.of(args)));
    }

    @Override
    protected Optional<Map<String, Object>> exitingWith(int code) {
        return probe("exit", Integer.toString(code));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfEnvEquals(String name, String value) {
        return probe("env", name, value);
    }

    @Override
    protected Optional<Map<String, Object>> runningUntilStopped() {
        return probe("sleep");
    }

    @Override
    protected Optional<Map<String, Object>> ignoringSigterm(String readyFile) {
        return probe("ignore-term", readyFile);
    }

    @Override
    protected Optional<Map<String, Object>> exitingOnSignal(String signal, int code, String readyFile) {
        return probe("on-signal", signal, Integer.toString(code), readyFile);
    }

    @Override
    protected Optional<Map<String, Object>> exitingWhenFileAppears(String triggerFile, int code) {
        return probe("until-file", triggerFile, Integer.toString(code));
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfFileHolds(String fileInTask, String content) {
        return probe("file-holds", fileInTask, content);
    }

    @Override
    protected Optional<Map<String, Object>> exitingZeroIfItCanWrite(String fileInTask) {
        return probe("write", fileInTask);
    }

    @Override
    protected Optional<List<String>> execPrinting(String text, int code) {
        return Optional.of(List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\"; exit " + code, "exec", text));
    }

    @Override
    protected Optional<InvalidConfig> invalidConfig() {
        return Optional.of(new InvalidConfig(
                Map.of("args", "not-a-list", "pid_mode", "shared"),
                Set.of("config.jar_path", "config.args", "config.pid_mode")));
    }

    /** Guards of the java driver's real tests. */
    static final class JavaHost {
        private JavaHost() {}

        static void requireJdk() {
            Jdk.Found found = Jdk.find(null, System.getenv());
            RealEnvironment.require(found.jdk().isPresent(), "a JDK: " + found.whyNone());
        }

        static void requireIsolation() {
            requireJdk();
            var fingerprint = new dev.taskdrivers.exec.internal.isolated.IsolatedExecDriver(
                            dev.taskdrivers.api.DriverContext.of(java.nio.file.Path.of("/nonexistent")),
                            IsolatedExecOptions.read(Map.of()))
                    .fingerprint();
            List<String> why = new ArrayList<>();
            why.add(fingerprint.description());
            RealEnvironment.require(
                    fingerprint.isHealthy(),
                    "root, cgroups with memory, cpu and pids, and util-linux, coreutils and tini: " + why);
        }
    }
}
