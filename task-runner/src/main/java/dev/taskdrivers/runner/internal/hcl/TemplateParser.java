package dev.taskdrivers.runner.internal.hcl;

import dev.taskdrivers.runner.internal.hcl.Scanner.SyntaxError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads quoted strings and heredocs into template parts: literal text, {@code ${...}} interpolations and
 * {@code %{...}} directives, with strip markers ({@code ~}) applied and {@code <<-} indentation removed.
 */
final class TemplateParser {

    private final Scanner in;
    private final HclParser expressions;

    TemplateParser(Scanner in, HclParser expressions) {
        this.in = in;
        this.expressions = expressions;
    }

    /** A quoted string without interpolations, such as a block label. */
    String stringLiteral(String what) {
        Expr.Template template = quoted();
        StringBuilder text = new StringBuilder();
        for (TemplatePart part : template.parts()) {
            if (!(part instanceof TemplatePart.Text literal)) {
                throw new SyntaxError(part.position(), what + " cannot contain \"${\" or \"%{\" sequences");
            }
            text.append(literal.text());
        }
        return text.toString();
    }

    Expr.Template quoted() {
        int start = in.pos();
        in.advance(1);
        boolean previous = in.ignoreNewlines(false);
        List<Item> items = new ArrayList<>();
        while (true) {
            if (in.atEnd() || in.peek() == '\n') {
                throw new SyntaxError(
                        in.position(start),
                        "unterminated string: the \" opened here has no closing \" on the same line");
            }
            if (in.peek() == '"') {
                in.advance(1);
                break;
            }
            if (!sequence(items)) {
                if (in.peek() == '\\') {
                    escape(items);
                } else {
                    text(items, String.valueOf(in.peek()));
                    in.advance(1);
                }
            }
        }
        in.ignoreNewlines(previous);
        return new Expr.Template(build(items, start), in.position(start), in.slice(start, in.pos()));
    }

    Expr.Template heredoc() {
        int start = in.pos();
        in.advance(2);
        boolean indented = in.peek() == '-';
        if (indented) {
            in.advance(1);
        }
        if (!in.atIdentifierStart()) {
            throw in.error("expected a heredoc marker name after \"<<\", found " + in.describe());
        }
        String marker = in.identifier();
        // the newline ends the marker's line also inside brackets, where newlines are otherwise whitespace
        boolean outer = in.ignoreNewlines(false);
        in.skipSpace();
        in.ignoreNewlines(outer);
        if (in.atEnd() || in.peek() != '\n') {
            throw in.error("expected a newline after the heredoc marker \"" + marker + "\", found " + in.describe());
        }
        in.advance(1);
        int bodyStart = in.pos();
        int bodyEnd = -1;
        int afterClose = -1;
        String text = in.source().text();
        int lineStart = bodyStart;
        while (lineStart <= text.length()) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length();
            }
            if (text.substring(lineStart, lineEnd).strip().equals(marker)) {
                bodyEnd = lineStart;
                afterClose = lineEnd;
                break;
            }
            lineStart = lineEnd + 1;
        }
        if (bodyEnd < 0) {
            throw new SyntaxError(
                    in.position(start),
                    "the heredoc \"" + in.slice(start, bodyStart) + "\" has no closing line \"" + marker + "\"",
                    true);
        }
        int indent = indented ? commonIndent(text, bodyStart, bodyEnd) : 0;
        boolean previous = in.ignoreNewlines(false);
        List<Item> items = new ArrayList<>();
        int handledLine = -1;
        while (in.pos() < bodyEnd) {
            int at = in.pos();
            if (indent > 0 && handledLine != at && (at == bodyStart || text.charAt(at - 1) == '\n')) {
                handledLine = at;
                int skipped = 0;
                while (skipped < indent && in.pos() < bodyEnd && (in.peek() == ' ' || in.peek() == '\t')) {
                    in.advance(1);
                    skipped++;
                }
                continue;
            }
            if (!sequence(items)) {
                text(items, String.valueOf(in.peek()));
                in.advance(1);
            }
        }
        if (in.pos() > bodyEnd) {
            throw new SyntaxError(
                    in.position(bodyEnd), "an interpolation runs past the end of the heredoc \"" + marker + "\"");
        }
        in.moveTo(afterClose);
        in.ignoreNewlines(previous);
        return new Expr.Template(build(items, start), in.position(start), in.slice(start, afterClose));
    }

    /** The fewest leading spaces on any line that is not blank. */
    private static int commonIndent(String text, int from, int to) {
        int least = Integer.MAX_VALUE;
        int lineStart = from;
        while (lineStart < to) {
            int lineEnd = text.indexOf('\n', lineStart);
            if (lineEnd < 0 || lineEnd > to) {
                lineEnd = to;
            }
            String line = text.substring(lineStart, lineEnd);
            if (!line.isBlank()) {
                int spaces = 0;
                while (spaces < line.length() && (line.charAt(spaces) == ' ' || line.charAt(spaces) == '\t')) {
                    spaces++;
                }
                least = Math.min(least, spaces);
            }
            lineStart = lineEnd + 1;
        }
        return least == Integer.MAX_VALUE ? 0 : least;
    }

    /** Reads {@code $${}, {@code %%{}, {@code ${...}} or {@code %{...}} if one starts here. */
    private boolean sequence(List<Item> items) {
        if (in.peek("$${") || in.peek("%%{")) {
            text(items, in.peek() + "{");
            in.advance(3);
            return true;
        }
        if (in.peek("${")) {
            interpolation(items);
            return true;
        }
        if (in.peek("%{")) {
            directive(items);
            return true;
        }
        return false;
    }

    private void interpolation(List<Item> items) {
        int open = in.pos();
        in.advance(2);
        boolean stripBefore = stripMarker();
        boolean previous = in.ignoreNewlines(true);
        in.skipSpace();
        Expr expr = expressions.expression();
        in.skipSpace();
        boolean stripAfter = closing("the interpolation \"${\" at " + HclParser.lineColumn(in.position(open)));
        in.ignoreNewlines(previous);
        items.add(
                new Item(null, new TemplatePart.Interpolation(expr, in.position(open)), null, stripBefore, stripAfter));
    }

    private void directive(List<Item> items) {
        int open = in.pos();
        in.advance(2);
        boolean stripBefore = stripMarker();
        boolean previous = in.ignoreNewlines(true);
        in.skipSpace();
        String keyword = in.atIdentifierStart() ? in.identifier() : "";
        Directive d;
        Position at = in.position(open);
        switch (keyword) {
            case "if": {
                d = new Directive(keyword, null, null, expressions.expression(), at);
                break;
            }
            case "for": {
                Scanner.ForVariables vars = in.forVariables("in the %{ for } directive");
                d = new Directive(keyword, vars.key(), vars.value(), expressions.expression(), at);
                break;
            }
            case "else":
            case "endif":
            case "endfor":
                d = new Directive(keyword, null, null, null, at);
                break;
            default:
                throw new SyntaxError(
                        at,
                        "expected if, else, endif, for or endfor after \"%{\", found "
                                + (keyword.isEmpty() ? in.describe() : "\"" + keyword + "\""));
        }
        in.skipSpace();
        boolean stripAfter = closing("the directive \"%{\" at " + HclParser.lineColumn(at));
        in.ignoreNewlines(previous);
        items.add(new Item(null, null, d, stripBefore, stripAfter));
    }

    private boolean stripMarker() {
        if (in.peek() == '~') {
            in.advance(1);
            return true;
        }
        return false;
    }

    private boolean closing(String what) {
        boolean strip = in.peek("~}");
        if (strip) {
            in.advance(1);
        }
        in.expect('}', "\"}\" to close " + what);
        return strip;
    }

    private void escape(List<Item> items) {
        int start = in.pos();
        char c = in.peekAt(1);
        switch (c) {
            case 'n' -> text(items, "\n");
            case 'r' -> text(items, "\r");
            case 't' -> text(items, "\t");
            case '"' -> text(items, "\"");
            case '\\' -> text(items, "\\");
            case 'u', 'U' -> {
                int digits = c == 'u' ? 4 : 8;
                String hex = in.source()
                        .text()
                        .substring(
                                start + 2,
                                Math.min(start + 2 + digits, in.source().length()));
                int cp = hex.length() == digits && hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)
                        ? (int) Long.parseLong(hex, 16)
                        : -1;
                if (cp < 0 || !Character.isValidCodePoint(cp)) {
                    throw new SyntaxError(
                            in.position(start),
                            "invalid escape \\" + c + ": expected " + digits
                                    + " hexadecimal digits naming a Unicode character");
                }
                text(items, new String(Character.toChars(cp)));
                in.advance(digits);
            }
            default ->
                throw new SyntaxError(
                        in.position(start),
                        "invalid escape sequence \"\\"
                                + (in.atEnd() || c == '\0' ? "" : String.valueOf(c))
                                + "\": use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN");
        }
        in.advance(2);
    }

    private void text(List<Item> items, String s) {
        Item last = items.isEmpty() ? null : items.get(items.size() - 1);
        if (last != null && last.text != null) {
            last.text.append(s);
        } else {
            items.add(new Item(new StringBuilder(s), null, null, false, false));
            items.get(items.size() - 1).textPosition = in.position();
        }
    }

    // ---- from the flat sequence to nested parts

    private List<TemplatePart> build(List<Item> items, int start) {
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.text != null) {
                continue;
            }
            StringBuilder before = i > 0 ? items.get(i - 1).text : null;
            if (item.stripBefore && before != null) {
                before.replace(0, before.length(), before.toString().stripTrailing());
            }
            StringBuilder after = i + 1 < items.size() ? items.get(i + 1).text : null;
            if (item.stripAfter && after != null) {
                after.replace(0, after.length(), after.toString().stripLeading());
            }
        }
        int[] next = {0};
        List<TemplatePart> parts = parts(items, next, Set.of());
        if (next[0] < items.size()) {
            // parts() stops only at a directive
            Directive stray = Objects.requireNonNull(items.get(next[0]).directive, "directive");
            throw new SyntaxError(
                    stray.position,
                    "%{ " + stray.keyword + " } has no matching %{ "
                            + (stray.keyword.equals("endfor") ? "for" : "if") + " } in the string started at "
                            + HclParser.lineColumn(in.position(start)));
        }
        return parts;
    }

    private List<TemplatePart> parts(List<Item> items, int[] next, Set<String> terminators) {
        List<TemplatePart> parts = new ArrayList<>();
        while (next[0] < items.size()) {
            Item item = items.get(next[0]);
            if (item.text != null) {
                parts.add(new TemplatePart.Text(
                        item.text.toString(), Objects.requireNonNull(item.textPosition, "textPosition")));
                next[0]++;
                continue;
            }
            if (item.interpolation != null) {
                parts.add(item.interpolation);
                next[0]++;
                continue;
            }
            // neither text nor interpolation: a directive
            Directive d = Objects.requireNonNull(item.directive, "directive");
            if (terminators.contains(d.keyword) || !(d.keyword.equals("if") || d.keyword.equals("for"))) {
                return parts;
            }
            next[0]++;
            if (d.keyword.equals("if")) {
                List<TemplatePart> whenTrue = parts(items, next, Set.of("else", "endif"));
                List<TemplatePart> whenFalse = List.of();
                if (at(items, next, "else")) {
                    next[0]++;
                    whenFalse = parts(items, next, Set.of("endif"));
                }
                if (!at(items, next, "endif")) {
                    throw new SyntaxError(d.position, "%{ if } has no matching %{ endif }");
                }
                next[0]++;
                parts.add(new TemplatePart.If(
                        Objects.requireNonNull(d.expression, "if condition"), whenTrue, whenFalse, d.position));
            } else {
                List<TemplatePart> body = parts(items, next, Set.of("endfor"));
                if (!at(items, next, "endfor")) {
                    throw new SyntaxError(d.position, "%{ for } has no matching %{ endfor }");
                }
                next[0]++;
                parts.add(new TemplatePart.For(
                        d.keyVar,
                        Objects.requireNonNull(d.valueVar, "for variable"),
                        Objects.requireNonNull(d.expression, "for collection"),
                        body,
                        d.position));
            }
        }
        return parts;
    }

    private static boolean at(List<Item> items, int[] next, String keyword) {
        Directive d = next[0] < items.size() ? items.get(next[0]).directive : null;
        return d != null && d.keyword.equals(keyword);
    }

    /** One element of the flat sequence: text, an interpolation or a directive. */
    private static final class Item {
        final @Nullable StringBuilder text;
        final TemplatePart.@Nullable Interpolation interpolation;
        final @Nullable Directive directive;
        final boolean stripBefore;
        final boolean stripAfter;

        @Nullable
        Position textPosition;

        Item(
                @Nullable StringBuilder text,
                TemplatePart.@Nullable Interpolation interpolation,
                @Nullable Directive directive,
                boolean stripBefore,
                boolean stripAfter) {
            this.text = text;
            this.interpolation = interpolation;
            this.directive = directive;
            this.stripBefore = stripBefore;
            this.stripAfter = stripAfter;
        }
    }

    private record Directive(
            String keyword,
            @Nullable String keyVar,
            @Nullable String valueVar,
            @Nullable Expr expression,
            Position position) {}
}
