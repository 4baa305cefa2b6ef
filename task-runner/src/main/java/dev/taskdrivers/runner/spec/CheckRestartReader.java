package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckRestart;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a check's {@code check_restart} as Nomad merges it: the service's block applies to each of its checks, and a
 * check's own values take precedence, field by field.
 */
final class CheckRestartReader {
    private CheckRestartReader() {}

    /**
     * The check's restart rule, empty when neither the service nor the check has one.
     *
     * @param serviceLevel the service's {@code check_restart}, empty when it has none
     * @param check the check's raw values
     * @param checkPath where problems are reported, e.g. {@code job.groups[0].tasks[0].services[0].checks[1]}
     */
    static Optional<CheckRestart> read(
            Map<String, Object> serviceLevel,
            Map<String, Object> check,
            String checkPath,
            List<ValidationProblem> problems) {
        Object own = check.get("check_restart");
        if (serviceLevel.isEmpty() && own == null) {
            return Optional.empty();
        }
        Map<String, Object> merged = new LinkedHashMap<>(serviceLevel);
        if (own instanceof Map<?, ?> m) {
            m.forEach((k, v) -> merged.put(String.valueOf(k), v));
        } else if (own != null) {
            return Optional.empty(); // the check's reader said it must be an object
        }
        ConfigReader r = new ConfigReader(merged, checkPath + ".check_restart");
        int limit = (int) r.integer("limit", 0, 0, Integer.MAX_VALUE);
        Duration grace = r.duration("grace", CheckRestart.DEFAULT_GRACE);
        boolean ignoreWarnings = r.bool("ignore_warnings", false);
        problems.addAll(r.problems());
        return Optional.of(new CheckRestart(limit, grace, ignoreWarnings));
    }
}
