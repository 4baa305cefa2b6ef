package dev.taskdrivers.runner.internal.template;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Go's {@code fmt.Sprint}, {@code Sprintln} and the common verbs of {@code Sprintf}. */
final class GoFormat {
    private GoFormat() {}

    /** Operands joined, with a space between two that are both not strings. */
    static String sprint(List<@Nullable Object> args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String)) {
                b.append(' ');
            }
            b.append(GoValues.print(args.get(i)));
        }
        return b.toString();
    }

    static String sprintln(List<@Nullable Object> args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            b.append(i == 0 ? "" : " ").append(GoValues.print(args.get(i)));
        }
        return b.append('\n').toString();
    }

    /** %v %s %q %d %f %e %g %x %X %t %c %%, with flags, width and precision. */
    static String sprintf(String format, List<@Nullable Object> args, Pos pos) {
        StringBuilder out = new StringBuilder();
        int arg = 0;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int start = i;
            while (i < format.length() && "+-# 0".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            while (i < format.length() && (Character.isDigit(format.charAt(i)) || format.charAt(i) == '.')) {
                i++;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            String flagsWidth = format.substring(start, i);
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (arg >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            out.append(one(verb, flagsWidth, args.get(arg++), pos));
        }
        if (arg < args.size()) {
            out.append("%!(EXTRA ");
            for (int j = arg; j < args.size(); j++) {
                out.append(j == arg ? "" : ", ")
                        .append(GoValues.typeName(args.get(j)))
                        .append('=')
                        .append(GoValues.print(args.get(j)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String one(char verb, String flags, @Nullable Object v, Pos pos) {
        String javaText = "%" + widthOnly(flags) + "s";
        return switch (verb) {
            case 'v' -> String.format(Locale.ROOT, javaText, GoValues.print(v));
            case 's' -> String.format(Locale.ROOT, "%" + flags.replace("0", "") + "s", GoValues.print(v));
            case 'q' -> String.format(Locale.ROOT, javaText, quote(GoValues.print(v)));
            case 't' -> String.format(Locale.ROOT, javaText, GoValues.print(v));
            case 'd' ->
                v instanceof Long || v instanceof Integer
                        ? String.format(Locale.ROOT, "%" + flags + "d", ((Number) v).longValue())
                        : bad(verb, v);
            case 'c' -> v instanceof Long n ? new String(Character.toChars(n.intValue())) : bad(verb, v);
            case 'x', 'X' -> {
                String hex;
                if (v instanceof Long n) {
                    hex = String.format(Locale.ROOT, "%" + flags + (verb == 'x' ? "x" : "X"), n);
                } else if (v instanceof String s) {
                    StringBuilder b = new StringBuilder();
                    for (byte by : s.getBytes(StandardCharsets.UTF_8)) {
                        b.append(String.format(Locale.ROOT, verb == 'x' ? "%02x" : "%02X", by));
                    }
                    hex = b.toString();
                } else {
                    hex = bad(verb, v);
                }
                yield hex;
            }
            case 'f', 'F', 'e', 'E', 'g', 'G' ->
                v instanceof Number n
                        ? String.format(
                                Locale.ROOT,
                                "%" + (flags.isEmpty() && verb == 'f' ? ".6" : flags) + verb,
                                n.doubleValue())
                        : bad(verb, v);
            default -> "%!" + verb + "(" + GoValues.typeName(v) + "=" + GoValues.print(v) + ")";
        };
    }

    private static String widthOnly(String flags) {
        String w = flags.replaceAll("[+# 0]", "");
        int dot = w.indexOf('.');
        return dot >= 0 ? w.substring(0, dot) : w;
    }

    private static String bad(char verb, @Nullable Object v) {
        return "%!" + verb + "(" + GoValues.typeName(v) + "=" + GoValues.print(v) + ")";
    }

    /** Go's {@code strconv.Quote} for the common cases. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
