package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A group's rule for its tasks' mounts: each names one of the group's volumes. */
final class VolumeMountRules {
    private VolumeMountRules() {}

    static void problems(Set<String> volumes, List<TaskSpec.Builder> tasks, List<ValidationProblem> problems) {
        for (int i = 0; i < tasks.size(); i++) {
            List<VolumeMountSpec.Builder> mounts = tasks.get(i).volumeMounts();
            for (int j = 0; j < mounts.size(); j++) {
                String volume = mounts.get(j).volume();
                if (!volume.isBlank() && !volumes.contains(volume)) {
                    problems.add(new ValidationProblem(
                            "tasks[" + i + "].volume_mounts[" + j + "].volume",
                            "the group has no volume \"" + volume + "\""
                                    + (volumes.isEmpty()
                                            ? " (it has no volume blocks)"
                                            : "; its volumes: " + String.join(", ", new TreeSet<>(volumes)))));
                }
            }
        }
    }
}
