package dev.taskdrivers.runner.internal.template;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How Go's templates see values: truth, comparison and printing ({@code %v}). Values are {@code null}, strings,
 * {@code Long}/{@code Double}, booleans, lists and string-keyed maps.
 */
final class GoValues {
    private GoValues() {}

    static boolean truth(@Nullable Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof CharSequence s) {
            return s.length() > 0;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** {@code %v}: lists as {@code [a b]}, maps as {@code map[k:v]} with sorted keys, floats as Go prints them. */
    static String print(@Nullable Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof Double d) {
            return formatFloat(d);
        }
        if (v instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                b.append(i == 0 ? "" : " ").append(print(list.get(i)));
            }
            return b.append(']').toString();
        }
        if (v instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
                b.append(first ? "" : " ").append(print(e.getKey())).append(':').append(print(e.getValue()));
                first = false;
            }
            return b.append(']').toString();
        }
        return v.toString();
    }

    /** Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}: shortest digits, exponent form from 1e6 or below 1e-4. */
    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= 6) {
            String digits = shortest.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String sign = exponent < 0 ? "-" : "+";
            int e = Math.abs(exponent);
            return (d < 0 ? "-" : "") + mantissa + "e" + sign + (e < 10 ? "0" : "") + e;
        }
        return shortest.toPlainString();
    }

    /** Go's {@code eq} for basic values; numbers compare by value whatever their type. */
    static boolean equal(@Nullable Object a, @Nullable Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Long && y instanceof Long) {
                return x.longValue() == y.longValue();
            }
            return x.doubleValue() == y.doubleValue();
        }
        if (a == null || b == null) {
            return a == b;
        }
        return a.equals(b);
    }

    static int compare(@Nullable Object a, @Nullable Object b, Pos pos) {
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Long && y instanceof Long) {
                return Long.compare(x.longValue(), y.longValue());
            }
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw new TemplateException(pos, "incompatible types for comparison: " + typeName(a) + " and " + typeName(b));
    }

    static String typeName(@Nullable Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List<?>) {
            return "slice";
        }
        if (v instanceof Map<?, ?>) {
            return "map";
        }
        return v.getClass().getSimpleName();
    }

    static int length(@Nullable Object v, Pos pos) {
        if (v instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new TemplateException(pos, "len of " + typeName(v));
    }
}
