package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.internal.template.Node.Arg;
import dev.taskdrivers.runner.internal.template.Node.Command;
import dev.taskdrivers.runner.internal.template.Node.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** Runs a parsed template once, as Go's text/template executes one. */
final class Evaluator {
    /** Stops a range from eating the whole memory of a runaway template. */
    private static final int MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

    private final Functions functions;
    private final boolean errorOnMissingKey;
    private final StringBuilder out = new StringBuilder();
    private final List<String> names = new ArrayList<>();
    private final List<@Nullable Object> values = new ArrayList<>();

    Evaluator(Functions functions, boolean errorOnMissingKey) {
        this.functions = functions;
        this.errorOnMissingKey = errorOnMissingKey;
    }

    String run(List<Node> nodes, @Nullable Object data) {
        push("$", data);
        walk(nodes, data);
        return out.toString();
    }

    private void walk(List<Node> nodes, @Nullable Object dot) {
        for (Node n : nodes) {
            if (out.length() > MAX_OUTPUT_CHARS) {
                throw new TemplateException(new Pos(1, 1), "output larger than " + MAX_OUTPUT_CHARS + " characters");
            }
            if (n instanceof Node.Text t) {
                out.append(t.text());
            } else if (n instanceof Node.Action a) {
                Object v = pipeline(a.pipe(), dot);
                if (a.pipe().variables().isEmpty()) {
                    out.append(v == null ? "<no value>" : GoValues.print(v));
                }
            } else {
                branch((Node.Branch) n, dot);
            }
        }
    }

    private void branch(Node.Branch b, @Nullable Object dot) {
        int mark = names.size();
        Object v = pipeline(b.pipe(), dot);
        switch (b.kind()) {
            case IF -> {
                if (GoValues.truth(v)) {
                    walk(b.body(), dot);
                } else if (b.otherwise() != null) {
                    walk(b.otherwise(), dot);
                }
            }
            case WITH -> {
                if (GoValues.truth(v)) {
                    walk(b.body(), v);
                } else if (b.otherwise() != null) {
                    walk(b.otherwise(), dot);
                }
            }
            case RANGE -> range(b, v, dot, mark);
        }
        truncate(mark);
    }

    private void range(Node.Branch b, @Nullable Object v, @Nullable Object dot, int mark) {
        List<String> vars = b.pipe().variables();
        // the pipeline declared its variables with the whole value; each element gets them anew
        truncate(mark);
        List<Object[]> items = new ArrayList<>();
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                items.add(new Object[] {(long) i, list.get(i)});
            }
        } else if (v instanceof Map<?, ?> map) {
            new TreeMap<>(map).forEach((k, val) -> items.add(new Object[] {k, val}));
        } else if (v instanceof Long n) {
            for (long i = 0; i < n; i++) {
                items.add(new Object[] {i, i});
            }
        } else if (v != null) {
            throw new TemplateException(b.pos(), "range can't iterate over " + GoValues.print(v));
        }
        if (items.isEmpty()) {
            if (b.otherwise() != null) {
                walk(b.otherwise(), dot);
            }
            return;
        }
        for (Object[] item : items) {
            if (vars.size() == 1) {
                push(vars.get(0), item[1]);
            } else if (vars.size() == 2) {
                push(vars.get(0), item[0]);
                push(vars.get(1), item[1]);
            }
            walk(b.body(), item[1]);
            truncate(mark);
        }
    }

    private @Nullable Object pipeline(Pipeline p, @Nullable Object dot) {
        Object value = null;
        boolean piped = false;
        for (Command c : p.commands()) {
            value = command(c, dot, value, piped);
            piped = true;
        }
        for (String v : p.variables()) {
            if (p.assign()) {
                assign(v, value, p.pos());
            } else {
                push(v, value);
            }
        }
        return value;
    }

    private @Nullable Object command(Command c, @Nullable Object dot, @Nullable Object piped, boolean hasPiped) {
        Arg first = c.args().get(0);
        if (first instanceof Node.Function f) {
            return call(f, c.args().subList(1, c.args().size()), dot, piped, hasPiped);
        }
        if (c.args().size() > 1 || hasPiped) {
            throw new TemplateException(first.pos(), "can't give argument to non-function " + describe(first));
        }
        return arg(first, dot);
    }

    private @Nullable Object call(
            Node.Function f, List<Arg> argNodes, @Nullable Object dot, @Nullable Object piped, boolean hasPiped) {
        if (f.name().equals("and") || f.name().equals("or")) {
            return andOr(f, argNodes, dot, piped, hasPiped);
        }
        List<@Nullable Object> args = new ArrayList<>();
        for (Arg a : argNodes) {
            args.add(arg(a, dot));
        }
        if (hasPiped) {
            args.add(piped);
        }
        return functions.call(f.name(), args, f.pos());
    }

    /** Go's and/or: stop at the first operand that decides, and return it. */
    private @Nullable Object andOr(
            Node.Function f, List<Arg> argNodes, @Nullable Object dot, @Nullable Object piped, boolean hasPiped) {
        boolean and = f.name().equals("and");
        int count = argNodes.size() + (hasPiped ? 1 : 0);
        if (count < 1) {
            throw new TemplateException(f.pos(), "wrong number of args for " + f.name() + ": want at least 1 got 0");
        }
        Object v = null;
        for (int i = 0; i < count; i++) {
            v = i < argNodes.size() ? arg(argNodes.get(i), dot) : piped;
            if (GoValues.truth(v) != and) {
                return v;
            }
        }
        return v;
    }

    private @Nullable Object arg(Arg a, @Nullable Object dot) {
        if (a instanceof Node.Dot) {
            return dot;
        }
        if (a instanceof Node.Literal l) {
            return l.value();
        }
        if (a instanceof Node.Variable v) {
            return variable(v.name(), v.pos());
        }
        if (a instanceof Node.SubPipeline s) {
            int mark = names.size();
            Object v = pipeline(s.pipe(), dot);
            truncate(mark);
            return v;
        }
        if (a instanceof Node.Function f) {
            return call(f, List.of(), dot, null, false);
        }
        Node.Fields f = (Node.Fields) a;
        Object v = arg(f.base(), dot);
        for (String name : f.names()) {
            v = field(v, name, f.pos());
        }
        return v;
    }

    private @Nullable Object field(@Nullable Object receiver, String name, Pos pos) {
        if (receiver instanceof Map<?, ?> m) {
            if (!m.containsKey(name) && errorOnMissingKey) {
                throw new TemplateException(pos, "map has no entry for key \"" + name + "\"");
            }
            return m.get(name);
        }
        if (receiver == null) {
            throw new TemplateException(pos, "nil pointer evaluating ." + name);
        }
        throw new TemplateException(pos, "can't evaluate field " + name + " in type " + GoValues.typeName(receiver));
    }

    private static String describe(Arg a) {
        if (a instanceof Node.Literal l) {
            return l.value() == null ? "nil" : GoValues.print(l.value());
        }
        if (a instanceof Node.Fields f) {
            return "." + String.join(".", f.names());
        }
        if (a instanceof Node.Variable v) {
            return v.name();
        }
        return "operand";
    }

    private void push(String name, @Nullable Object value) {
        names.add(name);
        values.add(value);
    }

    private void truncate(int size) {
        while (names.size() > size) {
            names.remove(names.size() - 1);
            values.remove(values.size() - 1);
        }
    }

    private @Nullable Object variable(String name, Pos pos) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equals(name)) {
                return values.get(i);
            }
        }
        throw new TemplateException(pos, "undefined variable: " + name);
    }

    private void assign(String name, @Nullable Object value, Pos pos) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equals(name)) {
                values.set(i, value);
                return;
            }
        }
        throw new TemplateException(pos, "undefined variable: " + name);
    }
}
