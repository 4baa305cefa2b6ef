package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.TaskEnvironment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The operator's {@code denied_envvars}: environment variables no task gets, as names or glob patterns where
 * {@code *} stands for any run of characters ({@code AWS_*}, {@code *_TOKEN}). The task's id variables stay: the
 * driver finds a task whose start was never recorded by them.
 *
 * @param patterns the patterns as the operator wrote them
 */
public record DeniedEnvVars(List<String> patterns) {
    /** The variables a task always keeps. */
    static final Set<String> KEPT = Set.of(TaskEnvironment.ALLOC_ID, TaskEnvironment.TASK_NAME);

    public static final DeniedEnvVars NONE = new DeniedEnvVars(List.of());

    public DeniedEnvVars {
        patterns = List.copyOf(patterns);
    }

    /** Reads {@code denied_envvars}; an empty pattern or one holding '=' is a problem naming its position. */
    static DeniedEnvVars read(ConfigReader r) {
        List<String> patterns = r.stringList("denied_envvars");
        for (int i = 0; i < patterns.size(); i++) {
            String p = patterns.get(i);
            if (p.isEmpty() || p.indexOf('=') >= 0) {
                r.problem(
                        "denied_envvars[" + i + "]",
                        "must be a variable name or a glob pattern such as AWS_* (no '=', not empty), got \"" + p
                                + "\"");
            }
        }
        return new DeniedEnvVars(patterns);
    }

    /** {@code env} without the denied variables. */
    Map<String, String> scrub(Map<String, String> env) {
        if (patterns.isEmpty()) {
            return env;
        }
        Pattern denied = Pattern.compile(patterns.stream()
                .map(p -> "\\Q" + p.replace("\\E", "\\E\\\\E\\Q").replace("*", "\\E.*\\Q") + "\\E")
                .collect(Collectors.joining("|")));
        Map<String, String> kept = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (KEPT.contains(name) || !denied.matcher(name).matches()) {
                kept.put(name, value);
            }
        });
        return kept;
    }
}
