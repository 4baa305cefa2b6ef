package dev.taskdrivers.runner.internal.hcl;

import org.jspecify.annotations.Nullable;

/**
 * The reading position in a file and the character-level rules shared by the structure, expression and template
 * parsers: whitespace, comments, newlines (significant or not), identifiers.
 */
final class Scanner {

    private final SourceText src;
    private int pos;
    /** Inside brackets, parentheses and interpolations newlines are whitespace; in bodies and objects they end items. */
    private boolean newlinesIgnored;

    Scanner(SourceText src) {
        this.src = src;
    }

    SourceText source() {
        return src;
    }

    int pos() {
        return pos;
    }

    void moveTo(int offset) {
        pos = offset;
    }

    void advance(int count) {
        pos += count;
    }

    boolean newlinesIgnored() {
        return newlinesIgnored;
    }

    /** Sets whether newlines are whitespace and returns the previous setting, to restore when the bracket closes. */
    boolean ignoreNewlines(boolean ignored) {
        boolean previous = newlinesIgnored;
        newlinesIgnored = ignored;
        return previous;
    }

    boolean atEnd() {
        return pos >= src.length();
    }

    char peek() {
        return atEnd() ? '\0' : src.charAt(pos);
    }

    char peekAt(int ahead) {
        int at = pos + ahead;
        return at < src.length() ? src.charAt(at) : '\0';
    }

    boolean peek(String s) {
        return src.text().startsWith(s, pos);
    }

    Position position() {
        return src.position(pos);
    }

    Position position(int offset) {
        return src.position(offset);
    }

    String slice(int from, int to) {
        return src.slice(from, Math.min(to, src.length())).strip();
    }

    /** Skips spaces, tabs and inline comments; newlines and line comments too when newlines are ignored. */
    void skipSpace() {
        while (!atEnd()) {
            char c = peek();
            if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '/' && peekAt(1) == '*') {
                skipInlineComment();
            } else if (newlinesIgnored && (c == '\n' || startsLineComment())) {
                skipLineEnd();
            } else {
                return;
            }
        }
    }

    /** Skips all whitespace, newlines and comments. */
    void skipSpaceAndNewlines() {
        boolean previous = ignoreNewlines(true);
        skipSpace();
        ignoreNewlines(previous);
    }

    /** At a newline, a line comment (which counts as a newline) or the end of the file. */
    boolean atLineEnd() {
        return atEnd() || peek() == '\n' || startsLineComment();
    }

    /** Consumes a line comment and/or one newline. */
    void skipLineEnd() {
        if (startsLineComment()) {
            while (!atEnd() && peek() != '\n') {
                pos++;
            }
        }
        if (!atEnd() && peek() == '\n') {
            pos++;
        }
    }

    private boolean startsLineComment() {
        char c = peek();
        return c == '#' || (c == '/' && peekAt(1) == '/');
    }

    private void skipInlineComment() {
        int start = pos;
        int end = src.text().indexOf("*/", pos + 2);
        if (end < 0) {
            throw new SyntaxError(position(start), "unterminated comment: \"/*\" has no closing \"*/\"", true);
        }
        pos = end + 2;
    }

    /** HCL's numbers are ASCII digits only. */
    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    boolean atIdentifierStart() {
        if (atEnd()) {
            return false;
        }
        int cp = src.text().codePointAt(pos);
        return Character.isUnicodeIdentifierStart(cp) || cp == '_';
    }

    String identifier() {
        if (!atIdentifierStart()) {
            throw new SyntaxError(position(), "expected a name, found " + describe());
        }
        int start = pos;
        pos += Character.charCount(src.text().codePointAt(pos));
        while (!atEnd()) {
            int cp = src.text().codePointAt(pos);
            boolean part = (Character.isUnicodeIdentifierPart(cp) && !Character.isIdentifierIgnorable(cp)) || cp == '-';
            if (!part) {
                break;
            }
            pos += Character.charCount(cp);
        }
        return src.slice(start, pos);
    }

    /** The identifier at the reading position without consuming it, or null. */
    @Nullable
    String peekIdentifier() {
        if (!atIdentifierStart()) {
            return null;
        }
        int start = pos;
        String name = identifier();
        pos = start;
        return name;
    }

    /** Whether the keyword (a whole identifier) is next. */
    boolean atKeyword(String keyword) {
        return keyword.equals(peekIdentifier());
    }

    /** The variables of a {@code for}: {@code v}, or {@code k, v} with {@code k} the key (or index). */
    record ForVariables(@Nullable String key, String value) {}

    /**
     * Reads the variables of a {@code for} and the {@code in} after them ({@code v in}, {@code k, v in}); {@code where}
     * says where in the error when {@code in} is missing.
     */
    ForVariables forVariables(String where) {
        skipSpace();
        String first = identifier();
        skipSpace();
        if (peek() != ',') {
            expectIn(where);
            return new ForVariables(null, first);
        }
        advance(1);
        skipSpace();
        String value = identifier();
        skipSpace();
        expectIn(where);
        return new ForVariables(first, value);
    }

    private void expectIn(String where) {
        if (!atKeyword("in")) {
            throw error("expected \"in\" " + where + ", found " + describe());
        }
        identifier();
    }

    void expect(char c, String what) {
        if (peek() != c || atEnd()) {
            throw new SyntaxError(position(), "expected " + what + ", found " + describe());
        }
        pos++;
    }

    /** Names what is at the reading position, for "found ..." in messages. */
    String describe() {
        if (atEnd()) {
            return "end of file";
        }
        char c = peek();
        if (c == '\n') {
            return "newline";
        }
        if (startsLineComment()) {
            return "a comment";
        }
        if (atIdentifierStart()) {
            return "\"" + peekIdentifier() + "\"";
        }
        if (c == '"') {
            return "a string";
        }
        if (Scanner.isDigit(c)) {
            int end = pos;
            while (end < src.length() && (Scanner.isDigit(src.charAt(end)) || src.charAt(end) == '.')) {
                end++;
            }
            return "number " + src.slice(pos, end);
        }
        int cp = src.text().codePointAt(pos);
        if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
            return String.format("character U+%04X", cp);
        }
        return "\"" + new String(Character.toChars(cp)) + "\"";
    }

    SyntaxError error(String message) {
        return new SyntaxError(position(), message);
    }

    /** A syntax error at one place; the body parser records it and skips to the next line. */
    static final class SyntaxError extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient HclProblem problem;
        private final boolean fatal;

        SyntaxError(Position position, String message) {
            this(position, message, false);
        }

        /** A fatal error leaves nothing sensible to read after it, such as a comment or heredoc never closed. */
        SyntaxError(Position position, String message, boolean fatal) {
            super(message, null, false, false);
            this.problem = new HclProblem(position, message);
            this.fatal = fatal;
        }

        HclProblem problem() {
            return problem;
        }

        boolean fatal() {
            return fatal;
        }
    }
}
