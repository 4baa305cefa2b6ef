package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A Nomad network's {@code mode}, the same way for a job file and for API JSON: {@code host} is the model's default,
 * a group's {@code bridge} becomes its {@code network_mode} (whose rules the job's validation applies: docker tasks
 * only), and any other mode ({@code none}, {@code cni/<name>}) or a bridge on a task's own network is refused.
 */
final class NomadNetworkMode {
    private NomadNetworkMode() {}

    /**
     * Puts {@code mode} on the mapped {@code group}, or adds the problem at {@code path}.
     *
     * @param group the mapped group, or {@code null} for a task's own network
     */
    static void put(
            String path, @Nullable Object mode, @Nullable Map<String, Object> group, List<ValidationProblem> problems) {
        if ("host".equals(mode)) {
            return;
        }
        if ("bridge".equals(mode) && group != null) {
            group.put("network_mode", "bridge");
        } else if ("bridge".equals(mode)) {
            problems.add(
                    new ValidationProblem(path, "\"bridge\" is a group's network mode; set it on the group's network"));
        } else {
            problems.add(new ValidationProblem(
                    path, "not supported: only \"host\" and \"bridge\" (docker tasks) networking, got " + mode));
        }
    }
}
