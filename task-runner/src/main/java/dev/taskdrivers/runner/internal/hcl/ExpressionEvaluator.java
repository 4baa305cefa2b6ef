package dev.taskdrivers.runner.internal.hcl;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates expressions against the file's input variables and locals. Values that only exist once a task is
 * placed ({@code attr.*}, {@code node.*}, {@code meta.*}, {@code device.*}, {@code env[...]} and upper-case names
 * such as {@code NOMAD_PORT_http}) are not evaluated: the expression that uses them becomes its own text in
 * {@code ${...}}, for the runner to interpolate when the task starts.
 */
final class ExpressionEvaluator {

    private static final int MAX_LOCAL_CHAIN = 100;
    private static final Set<String> RUNTIME_ROOTS = Set.of("attr", "node", "meta", "env", "device");

    private final @Nullable Map<String, Object> variables;
    private final Map<String, Expr> localExpressions;
    private final Set<String> unusable = new java.util.HashSet<>();
    private final Map<String, Object> localValues = new HashMap<>();
    private final Set<String> localsInProgress = new LinkedHashSet<>();
    private Deque<Map<String, Object>> scopes = new ArrayDeque<>();
    private final Deque<Object> splatItems = new ArrayDeque<>();

    /** {@code variables} null means none may be referenced (a default value, a value from the command line). */
    ExpressionEvaluator(@Nullable Map<String, Object> variables, Map<String, Expr> localExpressions) {
        this.variables = variables;
        this.localExpressions = localExpressions;
    }

    static ExpressionEvaluator constantsOnly() {
        return new ExpressionEvaluator(null, Map.of());
    }

    Object evaluate(Expr expr) {
        if (expr instanceof Expr.Literal l) {
            return l.value();
        }
        if (expr instanceof Expr.Template t) {
            return template(t);
        }
        if (expr instanceof Expr.Tuple t) {
            List<Object> out = new ArrayList<>();
            t.items().forEach(item -> out.add(evaluate(item)));
            return out;
        }
        if (expr instanceof Expr.ObjectCons o) {
            return object(o);
        }
        if (expr instanceof Expr.ForExpr f) {
            return forExpression(f);
        }
        if (expr instanceof Expr.Conditional c && runtimeReference(c.condition()) == null) {
            return compute(c);
        }
        String runtime = runtimeReference(expr);
        if (runtime != null) {
            return runtimeText(expr, runtime);
        }
        return compute(expr);
    }

    /** Marks a declared variable whose value could not be determined; that problem is reported already. */
    void markUnusable(String variable) {
        unusable.add(variable);
    }

    Object local(String name, Position at) {
        if (localValues.containsKey(name)) {
            return localValues.get(name);
        }
        Expr expr = localExpressions.get(name);
        if (expr == null) {
            throw new HclParseException(at, "there is no local value \"" + name + "\"; define it in a locals block");
        }
        if (localsInProgress.size() >= MAX_LOCAL_CHAIN) {
            throw new HclParseException(
                    at, "local values refer to each other more than " + MAX_LOCAL_CHAIN + " levels deep");
        }
        if (!localsInProgress.add(name)) {
            List<String> chain = new ArrayList<>(localsInProgress);
            chain = chain.subList(chain.indexOf(name), chain.size());
            throw new HclParseException(
                    at, "local." + name + " refers to itself through local." + String.join(" -> local.", chain));
        }
        Deque<Map<String, Object>> outer = scopes;
        scopes = new ArrayDeque<>();
        try {
            Object value = evaluate(expr);
            localValues.put(name, value);
            return value;
        } finally {
            scopes = outer;
            localsInProgress.remove(name);
        }
    }

    // ---- run-time references

    /** The first run-time value the expression refers to, or null. */
    private @Nullable String runtimeReference(Expr expr) {
        List<Expr.Variable> found = new ArrayList<>();
        references(expr, found);
        for (Expr.Variable v : found) {
            if (isRuntime(v)) {
                return v.name();
            }
        }
        return null;
    }

    private boolean isRuntime(Expr.Variable v) {
        return (RUNTIME_ROOTS.contains(v.name())
                        || Character.isUpperCase(v.name().charAt(0)))
                && !inScope(v.name());
    }

    private boolean inScope(String name) {
        return scopes.stream().anyMatch(scope -> scope.containsKey(name));
    }

    /** The expression's own text for the runner; it must not also need values that only exist now. */
    private Object runtimeText(Expr expr, String root) {
        List<Expr.Variable> found = new ArrayList<>();
        references(expr, found);
        for (Expr.Variable v : found) {
            if (isRuntime(v)) {
                continue;
            }
            if (v.name().equals("var") || v.name().equals("local") || inScope(v.name())) {
                throw new HclParseException(
                        expr.position(),
                        "${" + expr.source() + "} mixes " + root
                                + ", known only when the task runs, with " + v.name()
                                + ", known now; put them in separate"
                                + " interpolations such as \"${" + v.name() + "...}-${" + root + "...}\"");
            }
            variable(v);
        }
        return "${" + expr.source() + "}";
    }

    /** Collects every variable the expression reads (the roots of its traversals). */
    private static void references(@Nullable Expr expr, List<Expr.Variable> out) {
        if (expr == null) {
            return;
        }
        if (expr instanceof Expr.Variable v) {
            out.add(v);
        } else if (expr instanceof Expr.Template t) {
            t.parts().forEach(part -> references(part, out));
        } else if (expr instanceof Expr.GetAttr g) {
            references(g.target(), out);
        } else if (expr instanceof Expr.Index i) {
            references(i.target(), out);
            references(i.key(), out);
        } else if (expr instanceof Expr.Splat s) {
            references(s.target(), out);
            references(s.each(), out);
        } else if (expr instanceof Expr.FunctionCall c) {
            c.args().forEach(a -> references(a, out));
        } else if (expr instanceof Expr.Tuple t) {
            t.items().forEach(a -> references(a, out));
        } else if (expr instanceof Expr.ObjectCons o) {
            o.items().forEach(item -> {
                references(item.key(), out);
                references(item.value(), out);
            });
        } else if (expr instanceof Expr.Unary u) {
            references(u.operand(), out);
        } else if (expr instanceof Expr.Binary b) {
            references(b.left(), out);
            references(b.right(), out);
        } else if (expr instanceof Expr.Conditional c) {
            references(c.condition(), out);
            references(c.whenTrue(), out);
            references(c.whenFalse(), out);
        } else if (expr instanceof Expr.ForExpr f) {
            references(f.collection(), out);
            List<Expr.Variable> inner = new ArrayList<>();
            references(f.key(), inner);
            references(f.value(), inner);
            references(f.condition(), inner);
            inner.stream()
                    .filter(v -> !v.name().equals(f.valueVar()) && !v.name().equals(f.keyVar()))
                    .forEach(out::add);
        }
    }

    private static void references(TemplatePart part, List<Expr.Variable> out) {
        if (part instanceof TemplatePart.Interpolation i) {
            references(i.expression(), out);
        } else if (part instanceof TemplatePart.If c) {
            references(c.condition(), out);
            c.whenTrue().forEach(p -> references(p, out));
            c.whenFalse().forEach(p -> references(p, out));
        } else if (part instanceof TemplatePart.For f) {
            references(f.collection(), out);
            f.body().forEach(p -> references(p, out));
        }
    }

    // ---- templates and collections

    private Object template(Expr.Template t) {
        if (t.parts().size() == 1 && t.parts().get(0) instanceof TemplatePart.Interpolation only) {
            return evaluate(only.expression());
        }
        StringBuilder out = new StringBuilder();
        appendParts(t.parts(), out);
        return out.toString();
    }

    private void appendParts(List<TemplatePart> parts, StringBuilder out) {
        for (TemplatePart part : parts) {
            if (part instanceof TemplatePart.Text text) {
                append(out, text.text(), part.position());
            } else if (part instanceof TemplatePart.Interpolation i) {
                append(out, HclValues.toText(evaluate(i.expression()), i.position()), i.position());
            } else if (part instanceof TemplatePart.If c) {
                knownNow(c.condition(), "%{ if }");
                boolean chosen = HclValues.toBool(evaluate(c.condition()), c.position(), "the %{ if } condition");
                appendParts(chosen ? c.whenTrue() : c.whenFalse(), out);
            } else if (part instanceof TemplatePart.For f) {
                knownNow(f.collection(), "%{ for }");
                for (Map.Entry<Object, Object> e :
                        entries(evaluate(f.collection()), f.position()).entrySet()) {
                    withScope(f.keyVar(), e.getKey(), f.valueVar(), e.getValue(), () -> {
                        appendParts(f.body(), out);
                        return null;
                    });
                }
            }
        }
    }

    private static void append(StringBuilder out, String text, Position at) {
        if ((long) out.length() + text.length() > HclValues.MAX_STRING_LENGTH) {
            throw new HclParseException(at, "the string is longer than " + HclValues.MAX_STRING_LENGTH + " characters");
        }
        out.append(text);
    }

    private void knownNow(Expr expr, String directive) {
        String runtime = runtimeReference(expr);
        if (runtime != null) {
            throw new HclParseException(
                    expr.position(),
                    directive + " cannot depend on " + runtime + ", which is known only when the task runs");
        }
    }

    private Object object(Expr.ObjectCons o) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Expr.ObjectItem item : o.items()) {
            Object key = evaluate(item.key());
            if (key == null || key instanceof List || key instanceof Map) {
                throw new HclParseException(
                        item.key().position(), "an object key must be a string, found " + HclValues.describe(key));
            }
            String name = HclValues.toText(key, item.key().position());
            if (out.containsKey(name)) {
                throw new HclParseException(
                        item.key().position(), "the key \"" + name + "\" appears twice in this object");
            }
            out.put(name, evaluate(item.value()));
        }
        return out;
    }

    // ---- everything else

    private Object compute(Expr expr) {
        if (expr instanceof Expr.Variable v) {
            return variable(v);
        }
        if (expr instanceof Expr.GetAttr g) {
            return getAttr(g);
        }
        if (expr instanceof Expr.Index i) {
            return index(evaluate(i.target()), evaluate(i.key()), i.key().position());
        }
        if (expr instanceof Expr.Splat s) {
            return splat(s);
        }
        if (expr instanceof Expr.SplatItem) {
            return splatItems.peek();
        }
        if (expr instanceof Expr.FunctionCall c) {
            return call(c);
        }
        if (expr instanceof Expr.Unary u) {
            Object operand = evaluate(u.operand());
            if (u.operator().equals("!")) {
                return !HclValues.toBool(operand, u.position(), "the operand of \"!\"");
            }
            return HclValues.toNumber(operand, u.position(), "the operand of \"-\"")
                    .negate();
        }
        if (expr instanceof Expr.Binary b) {
            return binary(b);
        }
        if (expr instanceof Expr.Conditional c) {
            boolean chosen =
                    HclValues.toBool(evaluate(c.condition()), c.condition().position(), "the condition");
            return evaluate(chosen ? c.whenTrue() : c.whenFalse());
        }
        if (expr instanceof Expr.ForExpr f) {
            return forExpression(f);
        }
        throw new IllegalStateException("no evaluation for " + expr.getClass().getSimpleName());
    }

    private Object variable(Expr.Variable v) {
        for (Map<String, Object> scope : scopes) {
            if (scope.containsKey(v.name())) {
                return scope.get(v.name());
            }
        }
        if (v.name().equals("var") || v.name().equals("local")) {
            throw new HclParseException(
                    v.position(),
                    "\"" + v.name() + "\" must be followed by the name of a "
                            + (v.name().equals("var")
                                    ? "variable, as in var.image"
                                    : "local value, as in local.image"));
        }
        throw new HclParseException(
                v.position(),
                "unknown variable \"" + v.name() + "\"; input variables are" + " read as var." + v.name()
                        + " and local values as local." + v.name());
    }

    private Object getAttr(Expr.GetAttr g) {
        if (g.target() instanceof Expr.Variable root && !inScope(root.name())) {
            if (root.name().equals("var")) {
                if (variables == null) {
                    throw new HclParseException(
                            g.position(),
                            "var." + g.name() + " cannot be used here: only" + " literal values are allowed");
                }
                if (unusable.contains(g.name())) {
                    throw new ReportedElsewhere();
                }
                if (!variables.containsKey(g.name())) {
                    throw new HclParseException(
                            g.position(),
                            "unknown variable var." + g.name() + ": no variable \"" + g.name() + "\" is declared");
                }
                return variables.get(g.name());
            }
            if (root.name().equals("local")) {
                if (variables == null) {
                    throw new HclParseException(
                            g.position(),
                            "local." + g.name() + " cannot be used here: only" + " literal values are allowed");
                }
                return local(g.name(), g.position());
            }
        }
        Object target = evaluate(g.target());
        if (target instanceof Map<?, ?> map) {
            if (!map.containsKey(g.name())) {
                throw new HclParseException(
                        g.position(), "the object " + g.target().source() + " has no attribute \"" + g.name() + "\"");
            }
            return map.get(g.name());
        }
        throw new HclParseException(
                g.position(), "cannot read the attribute \"" + g.name() + "\" of " + HclValues.describe(target));
    }

    private static Object index(Object target, Object key, Position at) {
        if (target instanceof List<?> list) {
            BigDecimal n = HclValues.toNumber(key, at, "a list index");
            int i;
            try {
                i = n.intValueExact();
            } catch (ArithmeticException e) {
                throw new HclParseException(at, "a list index must be a whole number, found " + n.toPlainString());
            }
            if (i < 0 || i >= list.size()) {
                throw new HclParseException(at, "index " + i + " is outside the list of " + list.size() + " elements");
            }
            return list.get(i);
        }
        if (target instanceof Map<?, ?> map) {
            String name = HclValues.toText(key, at);
            if (!map.containsKey(name)) {
                throw new HclParseException(at, "the object has no key \"" + name + "\"");
            }
            return map.get(name);
        }
        throw new HclParseException(at, "cannot index " + HclValues.describe(target));
    }

    private Object splat(Expr.Splat s) {
        Object target = evaluate(s.target());
        List<?> elements = target == null ? List.of() : target instanceof List<?> l ? l : List.of(target);
        List<Object> out = new ArrayList<>();
        for (Object element : elements) {
            splatItems.push(element == null ? NULL_ITEM : element);
            try {
                Object v = evaluate(s.each());
                out.add(v == NULL_ITEM ? null : v);
            } finally {
                splatItems.pop();
            }
        }
        return out;
    }

    /** ArrayDeque holds no nulls. */
    private static final Object NULL_ITEM = new Object();

    private Object call(Expr.FunctionCall c) {
        List<Object> args = new ArrayList<>();
        c.args().forEach(a -> args.add(evaluate(a)));
        if (c.expandLast()) {
            Object last = args.remove(args.size() - 1);
            if (!(last instanceof List<?> list)) {
                throw new HclParseException(
                        c.position(), "the argument before \"...\" must be a list, found " + HclValues.describe(last));
            }
            args.addAll(list);
        }
        return HclFunctions.call(c.name(), args, c.position());
    }

    private Object binary(Expr.Binary b) {
        try {
            return operate(b);
        } catch (ArithmeticException e) {
            throw new HclParseException(b.position(), "cannot compute " + b.source() + ": number out of range");
        }
    }

    private Object operate(Expr.Binary b) {
        String op = b.operator();
        Object left = evaluate(b.left());
        Object right = evaluate(b.right());
        Position at = b.position();
        switch (op) {
            case "==":
                return HclValues.equal(left, right);
            case "!=":
                return !HclValues.equal(left, right);
            case "&&":
                return HclValues.toBool(left, at, "the left of \"&&\"")
                        && HclValues.toBool(right, at, "the right of \"&&\"");
            case "||":
                return HclValues.toBool(left, at, "the left of \"||\"")
                        || HclValues.toBool(right, at, "the right of \"||\"");
            default:
                break;
        }
        BigDecimal x = HclValues.toNumber(left, at, "the left of \"" + op + "\"");
        BigDecimal y = HclValues.toNumber(right, at, "the right of \"" + op + "\"");
        switch (op) {
            case "<":
                return x.compareTo(y) < 0;
            case ">":
                return x.compareTo(y) > 0;
            case "<=":
                return x.compareTo(y) <= 0;
            case ">=":
                return x.compareTo(y) >= 0;
            case "+":
                return HclValues.checkRange(x.add(y), at);
            case "-":
                return HclValues.checkRange(x.subtract(y), at);
            case "*":
                return HclValues.checkRange(x.multiply(y, MathContext.DECIMAL128), at);
            default:
                if (y.signum() == 0) {
                    throw new HclParseException(at, "division by zero in " + b.source());
                }
                return HclValues.checkRange(
                        op.equals("/") ? x.divide(y, MathContext.DECIMAL128) : x.remainder(y, MathContext.DECIMAL128),
                        at);
        }
    }

    /** Each element's value may be left for run time; what is iterated and filtered must be known now. */
    private Object forExpression(Expr.ForExpr f) {
        knownNow(f.collection(), "a for expression");
        if (f.condition() != null) {
            knownNow(f.condition(), "a for expression's \"if\"");
        }
        Map<Object, Object> entries =
                entries(evaluate(f.collection()), f.collection().position());
        List<Object> tuple = new ArrayList<>();
        Map<String, Object> object = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            withScope(f.keyVar(), e.getKey(), f.valueVar(), e.getValue(), () -> {
                if (f.condition() != null
                        && !HclValues.toBool(
                                evaluate(f.condition()), f.condition().position(), "the for expression's condition")) {
                    return null;
                }
                Object value = evaluate(f.value());
                if (f.key() == null) {
                    tuple.add(value);
                    return null;
                }
                String key = HclValues.toText(evaluate(f.key()), f.key().position());
                if (f.grouping()) {
                    @SuppressWarnings("unchecked")
                    List<Object> group = (List<Object>) object.computeIfAbsent(key, k -> new ArrayList<>());
                    group.add(value);
                } else if (object.containsKey(key)) {
                    throw new HclParseException(
                            f.key().position(),
                            "the for expression produces the key \"" + key
                                    + "\" twice; add \"...\" after the value to group them");
                } else {
                    object.put(key, value);
                }
                return null;
            });
        }
        return f.key() == null ? tuple : object;
    }

    /** List elements by index, object attributes by name in lexical order. */
    private static Map<Object, Object> entries(Object collection, Position at) {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (collection instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                out.put(BigDecimal.valueOf(i), list.get(i));
            }
            return out;
        }
        if (collection instanceof Map<?, ?> map) {
            new TreeMap<Object, Object>(map).forEach(out::put);
            return out;
        }
        throw new HclParseException(
                at, "a for expression needs a list or an object, found " + HclValues.describe(collection));
    }

    /** Runs {@code body} with the for-expression's variables in scope; its result is what the body returns. */
    private @Nullable Object withScope(
            @Nullable String keyVar,
            Object key,
            String valueVar,
            Object value,
            java.util.function.Supplier<@Nullable Object> body) {
        Map<String, Object> scope = new HashMap<>();
        if (keyVar != null) {
            scope.put(keyVar, key);
        }
        scope.put(valueVar, value);
        scopes.push(scope);
        try {
            return body.get();
        } finally {
            scopes.pop();
        }
    }
}
