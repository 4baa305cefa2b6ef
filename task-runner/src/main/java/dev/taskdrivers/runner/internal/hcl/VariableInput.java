package dev.taskdrivers.runner.internal.hcl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a job file's variables are given from outside, as {@code nomad job run} takes them: {@code -var-file}
 * files (HCL {@code name = value} lines, or a JSON object when the file's name ends in {@code .json}; a later file
 * wins over an earlier one) and {@code -var name=value} texts,
 * which win over the files. Either wins over the variable's default.
 *
 * @param texts {@code -var} values as text, converted to the variable's type as Nomad converts them
 * @param files var files, in the order given
 */
public record VariableInput(Map<String, String> texts, List<VarFile> files) {

    public static final VariableInput NONE = new VariableInput(Map.of(), List.of());

    public VariableInput {
        texts = Map.copyOf(texts);
        files = List.copyOf(files);
    }

    /**
     * One var file's text.
     *
     * @param name how problems name it, e.g. its path
     * @param text its HCL, or its JSON when {@code name} ends in {@code .json}
     */
    public record VarFile(String name, String text) {}

    /** The files' values, each an expression at its place in its file; a later file's value replaces an earlier one. */
    Map<String, Body.Attribute> fileValues(List<HclProblem> problems) {
        Map<String, Body.Attribute> values = new LinkedHashMap<>();
        for (VarFile f : files) {
            if (JsonVarFile.isJson(f.name())) {
                JsonVarFile.read("-var-file " + f.name(), f.text(), problems).forEach(a -> values.put(a.name(), a));
                continue;
            }
            Body body;
            try {
                body = HclParser.parse("-var-file " + f.name(), f.text());
            } catch (HclParseException e) {
                problems.addAll(e.problems());
                continue;
            }
            body.blocks()
                    .forEach(b -> problems.add(new HclProblem(
                            b.position(),
                            "a var file holds only name = value lines, found the block \"" + b.type() + "\"")));
            body.attributes().forEach(a -> values.put(a.name(), a));
        }
        return values;
    }
}
