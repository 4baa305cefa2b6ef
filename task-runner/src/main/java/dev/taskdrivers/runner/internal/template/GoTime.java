package dev.taskdrivers.runner.internal.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** consul-template's {@code timestamp}: the current UTC time in a Go layout (RFC 3339 unless given), or "unix". */
final class GoTime {
    /** Go's layout elements, longest first, and what Java writes for each. */
    private static final String[][] ELEMENTS = {
        {"January", "MMMM"},
        {"Monday", "EEEE"},
        {"Z07:00", "XXX"},
        {"-07:00", "xxx"},
        {"-0700", "xx"},
        {"2006", "uuuu"},
        {"Jan", "MMM"},
        {"Mon", "EEE"},
        {"MST", "zzz"},
        {".000", ".SSS"},
        {"01", "MM"},
        {"02", "dd"},
        {"15", "HH"},
        {"03", "hh"},
        {"04", "mm"},
        {"05", "ss"},
        {"06", "uu"},
        {"PM", "a"},
        {"_2", "ppd"},
        {"1", "M"},
        {"2", "d"},
        {"3", "h"},
        {"4", "m"},
        {"5", "s"}
    };

    private GoTime() {}

    static String format(Instant now, @Nullable String layout) {
        ZonedDateTime t = now.atZone(ZoneOffset.UTC);
        if (layout == null) {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t.withNano(0));
        }
        if (layout.equals("unix")) {
            return Long.toString(now.getEpochSecond());
        }
        return DateTimeFormatter.ofPattern(javaPattern(layout), Locale.ROOT).format(t);
    }

    static String javaPattern(String layout) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        outer:
        while (i < layout.length()) {
            for (String[] e : ELEMENTS) {
                if (layout.startsWith(e[0], i)) {
                    flush(out, literal);
                    out.append(e[1]);
                    i += e[0].length();
                    continue outer;
                }
            }
            literal.append(layout.charAt(i++));
        }
        flush(out, literal);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder literal) {
        if (literal.length() > 0) {
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
