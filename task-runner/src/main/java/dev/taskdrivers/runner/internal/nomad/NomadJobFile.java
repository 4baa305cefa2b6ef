package dev.taskdrivers.runner.internal.nomad;

import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.hcl.EvaluatedBody;
import dev.taskdrivers.runner.internal.hcl.HclEvaluator;
import dev.taskdrivers.runner.internal.hcl.HclParseException;
import dev.taskdrivers.runner.internal.hcl.HclProblem;
import dev.taskdrivers.runner.internal.hcl.Position;
import dev.taskdrivers.runner.internal.hcl.VariableInput;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a Nomad HCL2 job file into the SDK's JSON model tree ({@code {"job": {...}}} as maps and lists), for the
 * spec parser to check like any JSON spec. Syntax and evaluation errors are problems under {@code job} naming line
 * and column; what the file holds that the SDK cannot run is a problem at its HCL path (see {@link NomadJobMapper}).
 */
public final class NomadJobFile {

    private static final String JOB_FILE = "job file";

    private NomadJobFile() {}

    /**
     * The model tree of a job file and the problems found while mapping it.
     *
     * @param tree {@code {"job": {...}}}, or {@code null} when the file could not be read at all
     * @param problems what keeps the job from running, at its path in the file
     * @param warnings what the job holds that this runner ignores (a cluster scheduler's settings), at its path
     */
    public record Mapping(
            @Nullable Map<String, Object> tree, List<ValidationProblem> problems, List<ValidationProblem> warnings) {
        public Mapping(@Nullable Map<String, Object> tree, List<ValidationProblem> problems) {
            this(tree, problems, List.of());
        }
    }

    /** Whether a parsed JSON object is a job in Nomad's API JSON rather than the SDK's own JSON. */
    public static boolean isApiJson(Map<String, Object> root) {
        return NomadApiJobMapper.isApiJob(root);
    }

    /** Maps a job in Nomad's API JSON ({@code {"Job": {...}}} or the bare job object). */
    public static Mapping readApiJson(Map<String, Object> root) {
        return new NomadApiJobMapper().map(root);
    }

    /** Parses, evaluates (variable defaults and locals) and maps one job file. */
    public static Mapping read(String text) {
        return read(text, VariableInput.NONE);
    }

    /** Parses, evaluates (variables with {@code input} over their defaults, locals) and maps one job file. */
    public static Mapping read(String text, VariableInput input) {
        EvaluatedBody file;
        try {
            file = HclEvaluator.evaluate(JOB_FILE, text, input);
        } catch (HclParseException e) {
            return new Mapping(
                    null, e.problems().stream().map(NomadJobFile::problem).toList());
        }
        return new NomadJobMapper().map(file);
    }

    /** A problem of the job file at its line and column; one of a {@code -var} or a var file names it. */
    private static ValidationProblem problem(HclProblem p) {
        Position at = p.position();
        if (at.file().equals(JOB_FILE)) {
            return new ValidationProblem(
                    "job",
                    "not a valid HCL job file at line " + at.line() + ", column " + at.column() + ": " + p.message());
        }
        if (at.file().startsWith("-var-file ")) {
            return new ValidationProblem(
                    "job", at.file() + " at line " + at.line() + ", column " + at.column() + ": " + p.message());
        }
        return new ValidationProblem("job", at.file() + ": " + p.message());
    }
}
