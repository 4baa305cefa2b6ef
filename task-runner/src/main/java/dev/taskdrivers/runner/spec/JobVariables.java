package dev.taskdrivers.runner.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Values for the {@code variable} blocks of a Nomad HCL job file, as {@code nomad job run} takes them:
 * {@code -var name=value} texts (converted to the variable's type as Nomad converts them) and {@code -var-file}
 * files: HCL {@code name = value} lines, or, when the file's name ends in {@code .json}, a JSON object of
 * {@code "name": value} members. A {@code -var} value wins over a file's, a later file over an earlier one,
 * and either over the variable's default. A value for a variable the file does not declare is a problem, as is a
 * variable left without any value.
 *
 * <pre>{@code
 * new SpecParser().withVariables(JobVariables.none().value("image", "redis:7").file("prod.vars.hcl", text))
 * }</pre>
 */
public final class JobVariables {
    private static final JobVariables NONE = new JobVariables(Map.of(), List.of());

    private final Map<String, String> values;
    private final List<File> files;

    /** A var file's text and the name problems give it (its path, say). */
    record File(String name, String text) {}

    private JobVariables(Map<String, String> values, List<File> files) {
        this.values = values;
        this.files = files;
    }

    /** No values: every variable takes its default. */
    public static JobVariables none() {
        return NONE;
    }

    /** These values plus {@code name = value} as {@code -var} gives it; a later value for a name replaces this one. */
    public JobVariables value(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(values);
        more.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new JobVariables(Map.copyOf(more), files);
    }

    /**
     * These values plus a var file's, read after the files already given: {@code name = value} lines in HCL, or a
     * JSON object when {@code name} ends in {@code .json}, as Nomad tells them apart.
     */
    public JobVariables file(String name, String text) {
        List<File> more = new ArrayList<>(files);
        more.add(new File(Objects.requireNonNull(name, "name"), Objects.requireNonNull(text, "text")));
        return new JobVariables(values, List.copyOf(more));
    }

    /** Whether no value and no file is given. */
    public boolean isEmpty() {
        return values.isEmpty() && files.isEmpty();
    }

    Map<String, String> values() {
        return values;
    }

    List<File> files() {
        return files;
    }

    @Override
    public String toString() {
        // values may be secrets: only their names
        return "JobVariables[names=" + values.keySet() + ", files="
                + files.stream().map(File::name).toList() + "]";
    }
}
