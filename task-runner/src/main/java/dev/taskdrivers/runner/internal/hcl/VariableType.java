package dev.taskdrivers.runner.internal.hcl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The type constraint of a {@code variable} block ({@code string}, {@code list(number)},
 * {@code object({a = string})}, ...) and the conversion of values to it.
 */
record VariableType(
        String kind,
        @Nullable VariableType element,
        Map<String, VariableType> attributes,
        List<VariableType> elements) {

    static final VariableType ANY = new VariableType("any", null, Map.of(), List.of());

    static VariableType primitive(String kind) {
        return new VariableType(kind, null, Map.of(), List.of());
    }

    /** Reads a type expression; names and calls here are type keywords, not variables or functions. */
    static VariableType of(Expr expr) {
        if (expr instanceof Expr.Variable v) {
            return switch (v.name()) {
                case "string", "number", "bool", "any" -> primitive(v.name());
                default -> throw unknown(expr);
            };
        }
        if (expr instanceof Expr.FunctionCall call && call.args().size() == 1) {
            Expr arg = call.args().get(0);
            switch (call.name()) {
                case "list", "set", "map":
                    return new VariableType(call.name(), of(arg), Map.of(), List.of());
                case "tuple":
                    if (arg instanceof Expr.Tuple t) {
                        List<VariableType> types = new ArrayList<>();
                        t.items().forEach(item -> types.add(of(item)));
                        return new VariableType("tuple", null, Map.of(), types);
                    }
                    break;
                case "object":
                    if (arg instanceof Expr.ObjectCons o) {
                        Map<String, VariableType> types = new LinkedHashMap<>();
                        for (Expr.ObjectItem item : o.items()) {
                            types.put(item.key().source().replace("\"", ""), of(item.value()));
                        }
                        return new VariableType("object", null, types, List.of());
                    }
                    break;
                default:
                    break;
            }
        }
        throw unknown(expr);
    }

    private static HclParseException unknown(Expr expr) {
        return new HclParseException(
                expr.position(),
                "unknown type " + expr.source() + "; use string, number, bool,"
                        + " any, list(T), set(T), map(T), tuple([T, ...]) or object({name = T, ...})");
    }

    /** Whether a value given as text on the command line is HCL to parse rather than a plain string. */
    boolean isComplex() {
        return !(kind.equals("string") || kind.equals("number") || kind.equals("bool") || kind.equals("any"));
    }

    Object convert(Object value, Position at, String what) {
        if (value == null || kind.equals("any")) {
            return value;
        }
        switch (kind) {
            case "string":
                if (value instanceof List || value instanceof Map) {
                    throw mismatch(value, at, what);
                }
                return HclValues.toText(value, at);
            case "number":
                return HclValues.toNumber(value, at, what);
            case "bool":
                return HclValues.toBool(value, at, what);
            case "list":
            case "set": {
                if (!(value instanceof List<?> list)) {
                    throw mismatch(value, at, what);
                }
                VariableType element = Objects.requireNonNull(this.element, "element type of a " + kind);
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Object converted = element.convert(list.get(i), at, what + "[" + i + "]");
                    if (kind.equals("list") || out.stream().noneMatch(o -> HclValues.equal(o, converted))) {
                        out.add(converted);
                    }
                }
                return out;
            }
            case "tuple": {
                if (!(value instanceof List<?> list) || list.size() != elements.size()) {
                    throw mismatch(value, at, what);
                }
                List<Object> out = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    out.add(elements.get(i).convert(list.get(i), at, what + "[" + i + "]"));
                }
                return out;
            }
            case "map": {
                if (!(value instanceof Map<?, ?> map)) {
                    throw mismatch(value, at, what);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                VariableType element = Objects.requireNonNull(this.element, "element type of a map");
                map.forEach((k, v) -> out.put((String) k, element.convert(v, at, what + "." + k)));
                return out;
            }
            default: {
                if (!(value instanceof Map<?, ?> map)) {
                    throw mismatch(value, at, what);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<String, VariableType> a : attributes.entrySet()) {
                    if (!map.containsKey(a.getKey())) {
                        throw new HclParseException(at, what + " needs the attribute \"" + a.getKey() + "\"");
                    }
                    out.put(a.getKey(), a.getValue().convert(map.get(a.getKey()), at, what + "." + a.getKey()));
                }
                return out;
            }
        }
    }

    private HclParseException mismatch(Object value, Position at, String what) {
        return new HclParseException(at, what + " must be a " + this + ", found " + HclValues.describe(value));
    }

    @Override
    public String toString() {
        return switch (kind) {
            case "list", "set", "map" -> kind + "(" + element + ")";
            case "tuple" -> "tuple(" + elements + ")";
            case "object" -> "object(" + attributes + ")";
            default -> kind;
        };
    }
}
