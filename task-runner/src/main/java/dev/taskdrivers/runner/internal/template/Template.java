package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.templates.TemplateQuery;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed template in Go's text/template language with consul-template's functions. Parsing refuses what this
 * engine cannot run (unknown functions such as {@code plugin}, {@code define}/{@code template}/{@code block}), with
 * line and column.
 */
public final class Template {
    private final List<Node> nodes;

    private Template(List<Node> nodes) {
        this.nodes = nodes;
    }

    /**
     * Parses a template written with these delimiters.
     *
     * @throws TemplateException naming line and column of the first problem
     */
    public static Template parse(String text, String leftDelimiter, String rightDelimiter) {
        if (leftDelimiter.isEmpty() || rightDelimiter.isEmpty()) {
            throw new IllegalArgumentException("delimiters must not be empty");
        }
        List<Segment> segments = new Lexer(text, leftDelimiter, rightDelimiter).segments();
        return new Template(new Parser(segments, Functions.ALL).parse());
    }

    public static Template parse(String text) {
        return parse(text, "{{", "}}");
    }

    /** The names of the functions a template may call. */
    public static Set<String> functions() {
        return Functions.ALL;
    }

    /**
     * Renders once. The result is incomplete when a query had no value yet or a {@code key} does not exist; it still
     * lists every query read, so they can be watched.
     *
     * @throws TemplateException when the template fails (a wrong argument, a missing map key with
     *     {@code errorOnMissingKey}, ...)
     */
    public Rendering render(TemplateInputs inputs, boolean errorOnMissingKey) {
        Functions functions = new Functions(inputs);
        String text = new Evaluator(functions, errorOnMissingKey).run(nodes, Map.of());
        return new Rendering(text, Set.copyOf(functions.missing()), Set.copyOf(functions.used()));
    }

    /**
     * One render's output.
     *
     * @param text what the template wrote
     * @param missing what it waited for, e.g. {@code kv.block(app/port)}; empty when complete
     * @param queries every query it read
     */
    public record Rendering(String text, Set<String> missing, Set<TemplateQuery> queries) {
        public boolean complete() {
            return missing.isEmpty();
        }
    }
}
