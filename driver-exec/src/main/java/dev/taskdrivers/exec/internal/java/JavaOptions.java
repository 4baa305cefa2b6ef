package dev.taskdrivers.exec.internal.java;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.exec.internal.isolated.IsolatedExecOptions;
import dev.taskdrivers.exec.internal.raw.RawExecOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The operator's options of the java driver: which JDK, how tasks are isolated, and the options of the exec
 * machinery that runs them.
 *
 * @param javaHome the JDK's home; {@code null} to find one ({@code JAVA_HOME}, then {@code java} on {@code PATH})
 * @param isolation {@code chroot} (default) or {@code none}
 * @param exec the exec driver's options, used with {@code isolation = "chroot"}
 * @param raw the raw_exec driver's options, used with {@code isolation = "none"}
 */
public record JavaOptions(
        @Nullable String javaHome,
        JavaIsolation isolation,
        Optional<IsolatedExecOptions> exec,
        Optional<RawExecOptions> raw) {

    /** Options of the exec driver, which mean nothing without isolation. */
    static final List<String> CHROOT_ONLY = List.of("chroot_env", "allow_root", "cgroup_parent", "default_pids_limit");

    private static final String JAVA_HOME = "java_home";
    private static final String ISOLATION = "isolation";
    private static final String FORK_SERVER = "fork_server";

    /**
     * Reads and checks the options.
     *
     * @throws ValidationException listing every problem, of these options and of the exec options alike
     */
    public static JavaOptions read(Map<String, Object> options) {
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object> machinery = new LinkedHashMap<>(options);
        for (String key : List.of(JAVA_HOME, ISOLATION)) {
            if (machinery.containsKey(key)) {
                own.put(key, machinery.remove(key));
            }
        }
        ConfigReader r = new ConfigReader(own, "");
        String javaHome = r.optionalString(JAVA_HOME);
        if (javaHome != null && (!javaHome.startsWith("/") || javaHome.contains("\0"))) {
            r.problem(JAVA_HOME, "must be an absolute path, got \"" + javaHome + "\"");
        }
        String isolationText = r.string(ISOLATION, JavaIsolation.CHROOT.text());
        Optional<JavaIsolation> isolation = JavaIsolation.parse(isolationText);
        if (isolation.isEmpty()) {
            r.problem(
                    ISOLATION,
                    "must be \"chroot\" (isolated like exec) or \"none\" (plain host processes, like"
                            + " raw_exec), got \"" + isolationText + "\"");
        }
        List<ValidationProblem> problems = new ArrayList<>(r.problems());
        Optional<IsolatedExecOptions> exec = Optional.empty();
        Optional<RawExecOptions> raw = Optional.empty();
        if (isolation.orElse(JavaIsolation.CHROOT) == JavaIsolation.CHROOT) {
            try {
                exec = Optional.of(IsolatedExecOptions.read(machinery));
            } catch (ValidationException e) {
                problems.addAll(e.problems());
            }
        } else {
            for (String key : CHROOT_ONLY) {
                if (machinery.remove(key) != null) {
                    problems.add(new ValidationProblem(key, "applies only with isolation = \"chroot\""));
                }
            }
            ConfigReader rawReader = new ConfigReader(machinery, "");
            boolean forkServer = rawReader.bool(FORK_SERVER, true);
            problems.addAll(rawReader.problems());
            raw = Optional.of(new RawExecOptions(true, forkServer));
        }
        ValidationException.throwIfAny(problems);
        return new JavaOptions(javaHome, isolation.orElseThrow(), exec, raw);
    }
}
