package dev.taskdrivers.runner.internal.hcl;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The functions a job file may call: a small subset of Nomad's HCL2 functions, the ones jobs commonly use. */
final class HclFunctions {

    private static final int MAX_LIST = 1_000_000;

    private static final java.util.Set<String> FILE_FUNCTIONS =
            java.util.Set.of("file", "filebase64", "fileexists", "fileset", "templatefile");

    private static final Map<String, BiFunction<List<Object>, Position, Object>> FUNCTIONS = new TreeMap<>();

    static {
        FUNCTIONS.put(
                "upper",
                (args, at) -> string(one("upper", args, at), at, "upper").toUpperCase(Locale.ROOT));
        FUNCTIONS.put(
                "lower",
                (args, at) -> string(one("lower", args, at), at, "lower").toLowerCase(Locale.ROOT));
        FUNCTIONS.put("format", HclFunctions::format);
        FUNCTIONS.put("join", HclFunctions::join);
        FUNCTIONS.put("split", HclFunctions::split);
        FUNCTIONS.put("concat", HclFunctions::concat);
        FUNCTIONS.put("length", HclFunctions::length);
        FUNCTIONS.put("coalesce", HclFunctions::coalesce);
        FUNCTIONS.put("min", (args, at) -> extreme("min", args, at, -1));
        FUNCTIONS.put("max", (args, at) -> extreme("max", args, at, 1));
        FUNCTIONS.put(
                "abs",
                (args, at) -> HclValues.toNumber(one("abs", args, at), at, "the argument of abs")
                        .abs());
        FUNCTIONS.put("tostring", HclFunctions::tostring);
        FUNCTIONS.put("tonumber", HclFunctions::tonumber);
    }

    private HclFunctions() {}

    static Object call(String name, List<Object> args, Position at) {
        if (FILE_FUNCTIONS.contains(name)) {
            throw new HclParseException(
                    at,
                    "function " + name + "(...) is not supported: a job file is read"
                            + " without access to other files; put the content in a heredoc or a template block");
        }
        BiFunction<List<Object>, Position, Object> function = FUNCTIONS.get(name);
        if (function == null) {
            throw new HclParseException(
                    at,
                    "unknown function \"" + name + "\"; the supported functions are "
                            + String.join(", ", FUNCTIONS.keySet()));
        }
        return function.apply(args, at);
    }

    private static Object one(String name, List<Object> args, Position at) {
        arity(name, args, at, 1);
        return args.get(0);
    }

    private static void arity(String name, List<Object> args, Position at, int count) {
        if (args.size() != count) {
            throw new HclParseException(
                    at,
                    name + "(...) takes " + count + " argument" + (count == 1 ? "" : "s") + ", found " + args.size());
        }
    }

    private static String string(Object v, Position at, String function) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal || v instanceof Boolean) {
            return HclValues.toText(v, at);
        }
        throw new HclParseException(at, function + "(...) needs a string, found " + HclValues.describe(v));
    }

    private static List<?> list(Object v, Position at, String what) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw new HclParseException(at, what + " must be a list, found " + HclValues.describe(v));
    }

    private static Object format(List<Object> args, Position at) {
        if (args.isEmpty()) {
            throw new HclParseException(at, "format(...) needs a format string");
        }
        String spec = string(args.get(0), at, "format");
        StringBuilder out = new StringBuilder();
        int next = 1;
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 1 >= spec.length()) {
                throw new HclParseException(at, "format string ends with a lone \"%\"");
            }
            char verb = spec.charAt(++i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (verb != 's' && verb != 'd' && verb != 'v') {
                throw new HclParseException(at, "format verb %" + verb + " is not supported; use %s, %d, %v or %%");
            }
            if (next >= args.size()) {
                throw new HclParseException(
                        at, "format string has more verbs than the " + (args.size() - 1) + " values given");
            }
            Object value = args.get(next++);
            if (verb == 'd') {
                BigDecimal n = HclValues.toNumber(value, at, "the value for %d");
                if (n.stripTrailingZeros().scale() > 0) {
                    throw new HclParseException(at, "%d needs a whole number, found " + HclValues.numberText(n));
                }
                out.append(HclValues.numberText(n));
            } else {
                out.append(HclValues.toText(value, at));
            }
        }
        if (next < args.size()) {
            throw new HclParseException(
                    at, "format string uses " + (next - 1) + " of the " + (args.size() - 1) + " values given");
        }
        return out.toString();
    }

    private static Object join(List<Object> args, Position at) {
        if (args.size() < 2) {
            throw new HclParseException(at, "join(...) takes a separator and at least one list");
        }
        String separator = string(args.get(0), at, "join");
        List<String> parts = new ArrayList<>();
        long length = 0;
        for (Object l : args.subList(1, args.size())) {
            for (Object element : list(l, at, "join's second argument")) {
                parts.add(HclValues.toText(element, at));
                length += parts.get(parts.size() - 1).length() + separator.length();
                if (length > HclValues.MAX_STRING_LENGTH) {
                    throw new HclParseException(
                            at,
                            "join(...) would make a string longer than " + HclValues.MAX_STRING_LENGTH + " characters");
                }
            }
        }
        return String.join(separator, parts);
    }

    private static Object split(List<Object> args, Position at) {
        arity("split", args, at, 2);
        String separator = string(args.get(0), at, "split");
        String text = string(args.get(1), at, "split");
        if (separator.isEmpty()) {
            throw new HclParseException(at, "split(...) needs a non-empty separator");
        }
        return new ArrayList<Object>(Arrays.asList(text.split(Pattern.quote(separator), -1)));
    }

    private static Object concat(List<Object> args, Position at) {
        List<Object> out = new ArrayList<>();
        for (Object l : args) {
            out.addAll(list(l, at, "every argument of concat"));
            if (out.size() > MAX_LIST) {
                throw new HclParseException(at, "concat(...) would make a list of more than " + MAX_LIST + " elements");
            }
        }
        return out;
    }

    private static Object length(List<Object> args, Position at) {
        Object v = one("length", args, at);
        if (v instanceof List<?> l) {
            return BigDecimal.valueOf(l.size());
        }
        if (v instanceof Map<?, ?> m) {
            return BigDecimal.valueOf(m.size());
        }
        if (v instanceof String s) {
            return BigDecimal.valueOf(s.codePointCount(0, s.length()));
        }
        throw new HclParseException(at, "length(...) needs a list, object or string, found " + HclValues.describe(v));
    }

    private static Object coalesce(List<Object> args, Position at) {
        for (Object v : args) {
            if (v != null && !"".equals(v)) {
                return v;
            }
        }
        throw new HclParseException(at, "coalesce(...) found no argument that is neither null nor an empty string");
    }

    private static Object extreme(String name, List<Object> args, Position at, int sign) {
        if (args.isEmpty()) {
            throw new HclParseException(at, name + "(...) needs at least one number");
        }
        BigDecimal best = HclValues.toNumber(args.get(0), at, "every argument of " + name);
        for (Object v : args.subList(1, args.size())) {
            BigDecimal n = HclValues.toNumber(v, at, "every argument of " + name);
            if (n.compareTo(best) * sign > 0) {
                best = n;
            }
        }
        return best;
    }

    private static @Nullable Object tostring(List<Object> args, Position at) {
        Object v = one("tostring", args, at);
        return v == null ? null : string(v, at, "tostring");
    }

    private static @Nullable Object tonumber(List<Object> args, Position at) {
        Object v = one("tonumber", args, at);
        return v == null ? null : HclValues.toNumber(v, at, "the argument of tonumber");
    }
}
