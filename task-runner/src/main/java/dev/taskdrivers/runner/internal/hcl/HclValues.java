package dev.taskdrivers.runner.internal.hcl;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Rules for evaluated values. While evaluating, a value is a String, a {@link BigDecimal}, a Boolean, null, a
 * {@code List<Object>} or a {@code Map<String, Object>}; {@link #toPlain} turns numbers into Long or Double for
 * callers.
 */
final class HclValues {

    /** Numbers beyond about 10^400 are refused rather than carried with unbounded precision. */
    private static final int MAX_MAGNITUDE = 400;
    /** Locals can build values exponentially ([local.a, local.a], ...); such values are refused, not expanded. */
    private static final int MAX_ELEMENTS = 1_000_000;

    static final int MAX_STRING_LENGTH = 16 * 1024 * 1024;

    private HclValues() {}

    static String typeName(@Nullable Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof BigDecimal) {
            return "number";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List) {
            return "list";
        }
        return "object";
    }

    /** The value as template text; null and collections cannot be. */
    static String toText(Object v, Position at) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal n) {
            return numberText(n);
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        throw new HclParseException(
                at,
                "cannot put a " + typeName(v) + " into a string"
                        + (v instanceof List ? "; join(\", \", list) makes one string of a list" : ""));
    }

    static String numberText(BigDecimal n) {
        return n.signum() == 0 ? "0" : n.stripTrailingZeros().toPlainString();
    }

    static BigDecimal checkRange(BigDecimal n, Position at) {
        if (n.signum() != 0 && (n.precision() - n.scale() > MAX_MAGNITUDE || n.scale() > MAX_MAGNITUDE * 2)) {
            throw new HclParseException(at, "number out of range");
        }
        return n;
    }

    /** A number, also from a string that holds one (HCL converts those implicitly). */
    static BigDecimal toNumber(Object v, Position at, String what) {
        if (v instanceof BigDecimal n) {
            return n;
        }
        if (v instanceof String s) {
            try {
                return checkRange(new BigDecimal(s.strip()), at);
            } catch (NumberFormatException e) {
                throw new HclParseException(at, what + " must be a number, found the string \"" + s + "\"");
            }
        }
        throw new HclParseException(at, what + " must be a number, found " + describe(v));
    }

    /** A boolean, also from the strings "true" and "false". */
    static boolean toBool(Object v, Position at, String what) {
        if (v instanceof Boolean b) {
            return b;
        }
        if ("true".equals(v) || "false".equals(v)) {
            return Boolean.parseBoolean((String) v);
        }
        throw new HclParseException(at, what + " must be true or false, found " + describe(v));
    }

    static String describe(@Nullable Object v) {
        if (v instanceof String s) {
            return "the string \"" + s + "\"";
        }
        if (v instanceof BigDecimal || v instanceof Boolean) {
            return "the " + typeName(v) + " " + (v instanceof BigDecimal n ? numberText(n) : v.toString());
        }
        return v == null ? "null" : "a " + typeName(v);
    }

    static boolean equal(@Nullable Object a, @Nullable Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = y.iterator();
            for (Object element : x) {
                if (!equal(element, i.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** The value for callers: whole numbers as Long, others as Double, collections unmodifiable. */
    static Object toPlain(Object v, Position at) {
        return toPlain(v, at, new int[] {MAX_ELEMENTS});
    }

    private static Object toPlain(Object v, Position at, int[] budget) {
        if (--budget[0] < 0) {
            throw new HclParseException(at, "the value has more than " + MAX_ELEMENTS + " elements");
        }
        if (v instanceof BigDecimal n) {
            if (n.signum() == 0) {
                return 0L;
            }
            BigDecimal stripped = n.stripTrailingZeros();
            if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 19) {
                try {
                    return stripped.longValueExact();
                } catch (ArithmeticException tooBig) {
                    return stripped.doubleValue();
                }
            }
            return stripped.doubleValue();
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(element -> out.add(toPlain(element, at, budget)));
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, value) -> out.put((String) k, toPlain(value, at, budget)));
            return Collections.unmodifiableMap(out);
        }
        return v;
    }
}
