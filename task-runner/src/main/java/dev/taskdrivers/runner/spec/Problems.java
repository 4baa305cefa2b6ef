package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ValidationProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Joins the problems of the validation stages (parser, rules, registry, drivers) into one list: a later stage's
 * problem is left out when an earlier stage already reported the same field or one that contains it (the placeholder
 * the parser put there would only cause a second, misleading problem), and the result is ordered by path, list
 * indexes as numbers, keeping each stage's order for the same path.
 */
final class Problems {
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");
    static final Comparator<ValidationProblem> BY_PATH = Comparator.comparing(p -> sortKey(p.field()));

    private final List<ValidationProblem> all = new ArrayList<>();

    /** Adds a stage's problems, except those under a field an earlier stage reported. */
    Problems add(List<ValidationProblem> stage) {
        List<ValidationProblem> earlier = List.copyOf(all);
        for (ValidationProblem p : stage) {
            if (earlier.stream().noneMatch(e -> covers(e.field(), p.field()))) {
                all.add(p);
            }
        }
        return this;
    }

    /** Whether a problem was reported at {@code field} or at a field containing it. */
    boolean reportedAtOrAbove(String field) {
        return all.stream().anyMatch(e -> covers(e.field(), field));
    }

    /** Whether a problem was reported at {@code field}, at a field containing it or at one inside it. */
    boolean reportedAround(String field) {
        return all.stream().anyMatch(e -> covers(e.field(), field) || covers(field, e.field()));
    }

    List<ValidationProblem> sorted() {
        List<ValidationProblem> result = new ArrayList<>(all);
        result.sort(BY_PATH); // stable
        return result;
    }

    /** Whether {@code outer} is {@code inner} or one of its ancestors, e.g. {@code a.b} covers {@code a.b[0].c}. */
    static boolean covers(String outer, String inner) {
        return inner.equals(outer)
                || inner.startsWith(outer)
                        && (inner.charAt(outer.length()) == '.' || inner.charAt(outer.length()) == '[');
    }

    /** The path with every list index padded, so that {@code [10]} sorts after {@code [9]}. */
    private static String sortKey(String field) {
        Matcher m = INDEX.matcher(field);
        StringBuilder key = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    key, "[" + "0".repeat(Math.max(0, 10 - m.group(1).length())) + m.group(1) + "]");
        }
        m.appendTail(key);
        return key.toString();
    }
}
