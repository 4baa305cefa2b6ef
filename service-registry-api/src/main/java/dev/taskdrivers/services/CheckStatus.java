package dev.taskdrivers.services;

import dev.taskdrivers.api.TaskId;
import java.time.Instant;
import java.util.Objects;

/**
 * The latest result of one health check of a registered service.
 *
 * @param task the task whose service it checks
 * @param service the service name
 * @param check the check name
 * @param type the kind of check
 * @param health its result
 * @param output what the last run said: the HTTP status, the connect error, the script's output
 * @param updated when the result was taken
 */
public record CheckStatus(
        TaskId task, String service, String check, CheckType type, CheckHealth health, String output, Instant updated) {
    public CheckStatus {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(health, "health");
        output = output == null ? "" : output;
        Objects.requireNonNull(updated, "updated");
    }
}
