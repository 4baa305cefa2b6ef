package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.internal.template.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and actions, as Go's text/template does: actions between the delimiters, a
 * {@code "- "} after the left one trims the whitespace before it, a {@code " -"} before the right one trims the
 * whitespace after it, and {@code /* ... *}{@code /} actions are comments.
 */
final class Lexer {
    private final String src;
    private final String left;
    private final String right;
    private final int[] lineStarts;

    Lexer(String src, String left, String right) {
        this.src = src;
        this.left = left;
        this.right = right;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    Pos pos(int offset) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= offset) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return new Pos(lo + 1, offset - lineStarts[lo] + 1);
    }

    List<Segment> segments() {
        List<Segment> out = new ArrayList<>();
        int i = 0;
        boolean trimNext = false;
        while (i < src.length()) {
            int open = src.indexOf(left, i);
            String text = open < 0 ? src.substring(i) : src.substring(i, open);
            if (trimNext) {
                text = text.stripLeading();
            }
            if (open < 0) {
                add(out, text);
                break;
            }
            int start = open + left.length();
            if (src.startsWith("-", start) && start + 1 < src.length() && isSpace(src.charAt(start + 1))) {
                text = text.stripTrailing();
                start += 2;
            }
            add(out, text);
            int[] end = new int[1];
            List<Token> tokens;
            int afterSpace = skipSpace(start);
            if (src.startsWith("/*", afterSpace)) {
                int close = src.indexOf("*/", afterSpace + 2);
                if (close < 0) {
                    throw new TemplateException(pos(open), "unclosed comment");
                }
                tokens = List.of();
                end[0] = close + 2;
                trimNext = false;
                int p = skipSpace(end[0]);
                if (src.startsWith("-", p) && p > end[0] && src.startsWith(right, p + 1)) {
                    trimNext = true;
                    end[0] = p + 1;
                } else if (src.startsWith(right, end[0])) {
                    // fine
                } else {
                    throw new TemplateException(pos(end[0]), "comment ends before the closing delimiter");
                }
                i = end[0] + right.length();
                continue;
            }
            tokens = tokens(open, start, end);
            int close = end[0];
            trimNext = close > start
                    && src.charAt(close - 1) == '-'
                    && close - 2 >= start
                    && isSpace(src.charAt(close - 2));
            out.add(new Segment.Action(pos(open), tokens));
            i = close + right.length();
        }
        return out;
    }

    private static void add(List<Segment> out, String text) {
        if (!text.isEmpty()) {
            out.add(new Segment.Text(text));
        }
    }

    private int skipSpace(int i) {
        while (i < src.length() && isSpace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** The tokens from {@code i} to the right delimiter; its offset goes to {@code end[0]}. */
    private List<Token> tokens(int open, int i, int[] end) {
        List<Token> tokens = new ArrayList<>();
        boolean space = true;
        while (true) {
            if (i >= src.length()) {
                throw new TemplateException(pos(open), "unclosed action: no " + right + " follows");
            }
            char c = src.charAt(i);
            if (src.startsWith(right, i)) {
                end[0] = i;
                return tokens;
            }
            if (c == '-' && i + 1 < src.length() && src.startsWith(right, i + 1) && space) {
                end[0] = i + 1;
                return tokens;
            }
            if (isSpace(c)) {
                space = true;
                i++;
                continue;
            }
            int start = i;
            Pos p = pos(i);
            Kind kind;
            if (c == '"') {
                i = quoted(i, '"');
                kind = Kind.STRING;
            } else if (c == '`') {
                int close = src.indexOf('`', i + 1);
                if (close < 0) {
                    throw new TemplateException(p, "unterminated raw string");
                }
                i = close + 1;
                kind = Kind.STRING;
            } else if (c == '\'') {
                i = quoted(i, '\'');
                kind = Kind.NUMBER; // a character is its code point, as in Go
            } else if (c == '(') {
                i++;
                kind = Kind.LEFT_PAREN;
            } else if (c == ')') {
                i++;
                kind = Kind.RIGHT_PAREN;
            } else if (c == '|') {
                i++;
                kind = Kind.PIPE;
            } else if (c == ',') {
                i++;
                kind = Kind.COMMA;
            } else if (c == ':' && src.startsWith(":=", i)) {
                i += 2;
                kind = Kind.DECLARE;
            } else if (c == '=') {
                i++;
                kind = Kind.ASSIGN;
            } else if (c == '$') {
                i = word(i + 1);
                kind = Kind.VARIABLE;
            } else if (c == '.') {
                if (i + 1 < src.length() && Character.isDigit(src.charAt(i + 1))) {
                    i = number(i);
                    kind = Kind.NUMBER;
                } else {
                    i = word(i + 1);
                    kind = i == start + 1 ? Kind.DOT : Kind.FIELD;
                }
            } else if (Character.isDigit(c)
                    || ((c == '-' || c == '+')
                            && i + 1 < src.length()
                            && (Character.isDigit(src.charAt(i + 1)) || src.charAt(i + 1) == '.'))) {
                i = number(i);
                kind = Kind.NUMBER;
            } else if (Character.isLetter(c) || c == '_') {
                i = word(i);
                String w = src.substring(start, i);
                kind = w.equals("true") || w.equals("false") ? Kind.BOOL : w.equals("nil") ? Kind.NIL : Kind.IDENTIFIER;
            } else {
                throw new TemplateException(p, "unexpected character '" + c + "' in action");
            }
            tokens.add(new Token(kind, src.substring(start, i), p, space));
            space = false;
        }
    }

    private int word(int i) {
        while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
        }
        return i;
    }

    private int number(int i) {
        int digits = src.charAt(i) == '-' || src.charAt(i) == '+' ? i + 1 : i;
        boolean hex = src.startsWith("0x", digits) || src.startsWith("0X", digits);
        i++;
        while (i < src.length()) {
            char c = src.charAt(i);
            char before = src.charAt(i - 1);
            boolean exponentSign = !hex && (c == '-' || c == '+') && (before == 'e' || before == 'E');
            if (Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign) {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    private int quoted(int i, char quote) {
        int j = i + 1;
        while (j < src.length()) {
            char c = src.charAt(j);
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (c == '\n') {
                break;
            }
            if (c == quote) {
                return j + 1;
            }
            j++;
        }
        throw new TemplateException(pos(i), "unterminated quoted string");
    }
}
