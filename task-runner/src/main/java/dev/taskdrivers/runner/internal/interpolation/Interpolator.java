package dev.taskdrivers.runner.internal.interpolation;

import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Replaces Nomad's run-time variables in text: {@code ${NOMAD_*}}, {@code ${env["X"]}}, {@code ${meta.K}},
 * {@code ${attr.K}} and {@code ${node.K}}. Any other {@code ${...}} (a shell's {@code ${HOME}}, {@code ${1}}) is
 * not ours and stays as written, so specs that carry such text keep working. A dollar sign written twice before
 * an opening brace stands for a literal dollar and brace: {@code $${NOMAD_TASK_DIR}} becomes the text
 * {@code ${NOMAD_TASK_DIR}}.
 *
 * <p>A variable of those forms that has no value is a problem at the path of the string in {@link Mode#STRICT}, and
 * stays as written in {@link Mode#LENIENT} (a task's env, where Nomad leaves it too). A node attribute or node meta
 * key this node does not have ({@code ${attr.K}}, {@code ${meta.K}}) is this node's problem rather than the text's:
 * it goes to the node's problems when those are kept apart.
 */
public final class Interpolator {

    /** What happens to a variable of a known form that has no value. */
    public enum Mode {
        /** A problem naming the path. */
        STRICT,
        /** Kept as written. */
        LENIENT
    }

    private static final Pattern NOMAD = Pattern.compile("NOMAD_[A-Za-z0-9_]+");
    private static final Pattern ENV = Pattern.compile("env\\[\\s*\"([^\"]*)\"\\s*]");
    private static final Pattern NODE = Pattern.compile("(attr|node|meta)\\.[A-Za-z0-9_.\\-]+");
    private static final Pattern OURS = Pattern.compile("(attr|node|meta|env)\\b.*", Pattern.DOTALL);

    private static final Pattern NODE_SPECIFIC = Pattern.compile("(attr|meta)\\..+");

    private final Variables variables;
    private final @Nullable List<ValidationProblem> nodeProblems;

    /** Problems of node values go with the others. */
    public Interpolator(Variables variables) {
        this(variables, null);
    }

    /**
     * @param nodeProblems where a node attribute or node meta key this node lacks is reported (strict mode only);
     *     {@code null} to report it with the others
     */
    public Interpolator(Variables variables, @Nullable List<ValidationProblem> nodeProblems) {
        this.variables = variables;
        this.nodeProblems = nodeProblems;
    }

    /** The text with its variables replaced; problems (strict mode only) go to {@code problems} under {@code path}. */
    public String text(String text, String path, Mode mode, List<ValidationProblem> problems) {
        if (!text.contains("${")) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
                continue;
            }
            if (!text.startsWith("${", i)) {
                out.append(text.charAt(i++));
                continue;
            }
            int end = text.indexOf('}', i + 2);
            if (end < 0) {
                out.append(text, i, text.length());
                break;
            }
            String written = text.substring(i, end + 1);
            String inner = text.substring(i + 2, end).strip();
            out.append(replacement(inner, written, path, mode, problems));
            i = end + 1;
        }
        return out.toString();
    }

    private String replacement(String inner, String written, String path, Mode mode, List<ValidationProblem> problems) {
        Optional<String> value;
        String name;
        Matcher env = ENV.matcher(inner);
        if (NOMAD.matcher(inner).matches()) {
            name = inner;
            value = variables.env(inner);
        } else if (env.matches()) {
            name = "env[\"" + env.group(1) + "\"]";
            value = variables.env(env.group(1));
        } else if (NODE.matcher(inner).matches()) {
            name = inner;
            value = variables.node(inner);
        } else if (OURS.matcher(inner).matches()) {
            if (mode == Mode.STRICT) {
                problems.add(new ValidationProblem(
                        path,
                        written + " cannot be interpolated: only a variable such as ${attr.kernel.name}, "
                                + "${node.unique.name}, ${meta.KEY} or ${env[\"NAME\"]} can"));
            }
            return written;
        } else {
            return written; // not a Nomad variable: a shell's or the program's own text
        }
        if (value.isPresent()) {
            return value.get();
        }
        if (mode == Mode.STRICT) {
            List<ValidationProblem> to =
                    nodeProblems != null && NODE_SPECIFIC.matcher(name).matches() ? nodeProblems : problems;
            to.add(new ValidationProblem(path, "unknown variable " + written + variables.hint(name)));
        }
        return written;
    }

    /**
     * A tree of maps, lists and scalars (a driver's config) with every string value interpolated, each problem under
     * the path of its value ({@code config.args[1]}); keys and non-text values stay as they are.
     */
    public Object tree(Object value, String path, Mode mode, List<ValidationProblem> problems) {
        if (value instanceof String s) {
            return text(s, path, mode, problems);
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = e.getValue();
                out.put(e.getKey(), isLeftAsIs(v) ? v : tree(v, path + "." + e.getKey(), mode, problems));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object v = list.get(i);
                out.add(isLeftAsIs(v) ? v : tree(v, path + "[" + i + "]", mode, problems));
            }
            return out;
        }
        return value;
    }

    /**
     * Whether interpolation leaves {@code value} as it is (null, a scalar, a text without {@code ${}): its path, built
     * only for problems, is then not built at all.
     */
    private static boolean isLeftAsIs(@Nullable Object value) {
        if (value instanceof String s) {
            return !s.contains("${");
        }
        return !(value instanceof Map<?, ?> || value instanceof List<?>);
    }

    /** Each value of a map of texts interpolated, under {@code path.KEY}. */
    public Map<String, String> texts(
            Map<String, String> values, String path, Mode mode, List<ValidationProblem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, text(v, path + "." + k, mode, problems)));
        return out;
    }
}
