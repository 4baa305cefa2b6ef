package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import java.util.List;

/**
 * Nomad's system scheduler runs a service job's group on every node and sysbatch a batch job's: on this single node
 * they run as service and batch jobs, with a warning. Both job formats map {@code type} through here, so they give
 * the same type and the same warning.
 */
final class NomadJobTypes {

    private NomadJobTypes() {}

    /** The type the runner runs {@code type} as; a warning at {@code path} when that is not the type written. */
    static Object runAs(String path, Object type, List<ValidationProblem> warnings) {
        if ("system".equals(type) || "sysbatch".equals(type)) {
            String runsAs = "system".equals(type) ? "service" : "batch";
            warnings.add(new ValidationProblem(
                    path, "runs as a " + runsAs + " job: every node of a " + type + " job is this one node"));
            return runsAs;
        }
        return type;
    }
}
