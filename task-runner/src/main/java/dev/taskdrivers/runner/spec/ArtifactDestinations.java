package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The destinations of a task's artifacts that hold variables, checked as they will be once interpolated: a meta
 * value or an env entry that leads out of the task and alloc directories is refused by validation, before anything
 * runs. Variables only a start knows (none that change a path, as things are) are left to the fetch.
 */
final class ArtifactDestinations {
    private ArtifactDestinations() {}

    /** Problems under {@code artifacts[i].destination}, against the task's validation {@code environment}. */
    static List<ValidationProblem> problems(
            List<ArtifactSpec.Builder> artifacts, TaskInterpolation interpolation, Map<String, String> environment) {
        List<ValidationProblem> problems = new ArrayList<>();
        for (int i = 0; i < artifacts.size(); i++) {
            ArtifactSpec.Builder artifact = artifacts.get(i);
            String written = artifact.destination();
            if (!written.contains("${") || !artifact.problems().isEmpty()) {
                continue; // nothing to expand, or refused as written already
            }
            String field = "artifacts[" + i + "].destination";
            String expanded = interpolation.destination(written, field, environment);
            if (expanded.contains("${")) {
                continue; // a variable without a value stays as written, as Nomad leaves it
            }
            ArtifactSpec.destinationProblem(expanded)
                    .ifPresent(p -> problems.add(
                            new ValidationProblem(field, p + " once interpolated from \"" + written + "\"")));
        }
        return problems;
    }
}
