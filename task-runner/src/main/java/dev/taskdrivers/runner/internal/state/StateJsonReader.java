package dev.taskdrivers.runner.internal.state;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a state file's JSON (RFC 8259) into maps, lists, strings, numbers and booleans: whole numbers as
 * {@code Integer}, {@code Long} or {@code BigInteger}, whichever holds them, others as {@code Double}; objects keep
 * their field order. It exists for speed where it matters most: a runner taking over thousands of tasks reads every
 * state file in a JVM that is still cold, and a general parser's large token loop spends more time being compiled
 * there (taking over 10,000 tasks, C2 spent 1.2-1.4 s compiling Jackson's token loop, 0.2 s this reader). The files are written by
 * Jackson's generator; this reads any JSON, and refuses anything else with the line and column of the first fault.
 */
final class StateJsonReader {
    /** Nesting deeper than this is refused: a state file nests a few levels, a corrupt one could claim any depth. */
    private static final int MAX_DEPTH = 500;

    private final byte[] in;
    private final @Nullable TaskSpecInterner interner;
    private int pos;
    private int depth;
    /** The text of the task spec being read when the interner does not know it yet; null otherwise. */
    private @Nullable String unknownSpec;

    private StateJsonReader(byte[] in, @Nullable TaskSpecInterner interner) {
        this.in = in;
        this.interner = interner;
    }

    /** What the malformed content is, and where. */
    static final class MalformedJsonException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedJsonException(String message) {
            super(message);
        }
    }

    /** The value {@code json} holds, which must be one JSON value with nothing but white space around it. */
    static @Nullable Object read(byte[] json) throws MalformedJsonException {
        return read(json, null);
    }

    /**
     * The value {@code json} holds, as {@link #read(byte[])} reads it, except that the value of a top-level
     * {@code task} field is shared through {@code interner} with every file holding the same text for it.
     */
    static @Nullable Object read(byte[] json, @Nullable TaskSpecInterner interner) throws MalformedJsonException {
        StateJsonReader reader = new StateJsonReader(json, interner);
        reader.skipSpace();
        Object value = reader.value();
        reader.skipSpace();
        if (reader.pos < json.length) {
            throw reader.fault("data after the value");
        }
        return value;
    }

    /**
     * One value, read with an explicit stack of the objects and arrays it is inside rather than by recursion: one
     * loop is cheap for the JIT to compile, where mutually recursive methods are inlined into each other over and over.
     */
    private @Nullable Object value() throws MalformedJsonException {
        Object[] open = new Object[16]; // the objects (maps) and arrays (lists) the reader is inside, innermost last
        String[] names = new String[16]; // per open object, the name of the field being read
        while (true) {
            skipSpace();
            @Nullable Object value;
            int b = peek();
            Object known = depth == 1 && b == '{' ? knownSpec(names[0]) : null;
            if (known != null) {
                value = known;
            } else if (b == '{' || b == '[') {
                pos++;
                skipSpace();
                boolean isObject = b == '{';
                Object container = isObject ? new LinkedHashMap<String, @Nullable Object>() : new ArrayList<>();
                if (peek() != (isObject ? '}' : ']')) {
                    if (++depth > MAX_DEPTH) {
                        throw fault("nested deeper than " + MAX_DEPTH + " levels");
                    }
                    if (depth > open.length) {
                        open = Arrays.copyOf(open, open.length * 2);
                        names = Arrays.copyOf(names, names.length * 2);
                    }
                    open[depth - 1] = container;
                    if (isObject) {
                        names[depth - 1] = fieldName();
                    }
                    continue;
                }
                pos++;
                value = container;
            } else {
                value = scalar();
            }
            // the value ends its container's entry: add it, and close every container it completes
            while (true) {
                if (depth == 0) {
                    return value;
                }
                if (depth == 1 && unknownSpec != null && interner != null && value instanceof Map<?, ?> spec) {
                    @SuppressWarnings("unchecked") // an object's keys are strings
                    Map<String, Object> read = (Map<String, Object>) spec;
                    value = interner.remember(unknownSpec, read);
                    unknownSpec = null;
                }
                Object container = open[depth - 1];
                skipSpace();
                if (container instanceof Map<?, ?>) {
                    @SuppressWarnings("unchecked")
                    Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) container;
                    map.put(names[depth - 1], value);
                    if (peek() == ',') {
                        pos++;
                        skipSpace();
                        names[depth - 1] = fieldName();
                        break;
                    }
                    expect('}');
                } else {
                    @SuppressWarnings("unchecked")
                    List<@Nullable Object> list = (List<@Nullable Object>) container;
                    list.add(value);
                    if (peek() == ',') {
                        pos++;
                        break;
                    }
                    expect(']');
                }
                value = container;
                open[depth - 1] = null;
                depth--;
            }
        }
    }

    /**
     * When {@code field} is the task spec and the interner has read its text before, that spec, with the reader
     * past it; else null, noting the text so the spec read next is remembered under it.
     */
    private @Nullable Object knownSpec(String field) {
        if (interner == null || !field.equals(TaskSpecInterner.FIELD)) {
            return null;
        }
        int end = endOfContainer(pos);
        if (end < 0) {
            return null; // malformed: the reader reports it where it is
        }
        String text = new String(in, pos, end - pos, StandardCharsets.ISO_8859_1); // any bytes, one char each
        Object known = interner.known(text);
        if (known != null) {
            pos = end;
        } else {
            unknownSpec = text;
        }
        return known;
    }

    /** Where the object or array starting at {@code from} ends (just past it), found without reading it; -1 if never. */
    private int endOfContainer(int from) {
        int nesting = 0;
        for (int i = from; i < in.length; i++) {
            byte c = in[i];
            if (c == '"') {
                for (i++; i < in.length && in[i] != '"'; i++) {
                    if (in[i] == '\\') {
                        i++;
                    }
                }
            } else if (c == '{' || c == '[') {
                nesting++;
            } else if ((c == '}' || c == ']') && --nesting == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** A field's name and the colon after it. */
    private String fieldName() throws MalformedJsonException {
        if (peek() != '"') {
            throw fault("expected a field name in quotes");
        }
        String name = string();
        skipSpace();
        expect(':');
        return name;
    }

    private @Nullable Object scalar() throws MalformedJsonException {
        if (pos >= in.length) {
            throw fault("unexpected end of content");
        }
        return switch (in[pos]) {
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private String string() throws MalformedJsonException {
        int start = ++pos;
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                String s = decodeUtf8(start, pos);
                pos++;
                return s;
            }
            if (b == '\\') {
                return escapedString(start);
            }
            if (b >= 0 && b < 0x20) {
                throw fault("a control character in a string must be escaped");
            }
            pos++;
        }
        throw fault("unexpected end of content in a string");
    }

    /** The rest of a string that has an escape at {@code pos}; {@code start} is where its text began. */
    private String escapedString(int start) throws MalformedJsonException {
        StringBuilder text = new StringBuilder(decodeUtf8(start, pos));
        int run = pos;
        while (pos < in.length) {
            byte b = in[pos];
            if (b == '"') {
                text.append(decodeUtf8(run, pos));
                pos++;
                return text.toString();
            }
            if (b >= 0 && b < 0x20) {
                throw fault("a control character in a string must be escaped");
            }
            if (b != '\\') {
                pos++;
                continue;
            }
            text.append(decodeUtf8(run, pos));
            pos++;
            if (pos >= in.length) {
                break;
            }
            switch (in[pos]) {
                case '"' -> text.append('"');
                case '\\' -> text.append('\\');
                case '/' -> text.append('/');
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    text.append(hexChar());
                    pos += 4;
                }
                default -> throw fault("unknown escape \\" + (char) (in[pos] & 0xff));
            }
            pos++;
            run = pos;
        }
        throw fault("unexpected end of content in a string");
    }

    /** The char of the four hex digits after the {@code u} at {@code pos}. */
    private char hexChar() throws MalformedJsonException {
        if (pos + 4 >= in.length) {
            throw fault("unexpected end of content in a \\u escape");
        }
        int value = 0;
        for (int i = 1; i <= 4; i++) {
            int digit = Character.digit(in[pos + i], 16);
            if (digit < 0) {
                throw fault("a \\u escape needs four hex digits");
            }
            value = value * 16 + digit;
        }
        return (char) value;
    }

    private String decodeUtf8(int from, int to) throws MalformedJsonException {
        for (int i = from; i < to; i++) {
            if (in[i] < 0) {
                return strictUtf8(from, to);
            }
        }
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1); // ASCII: the common case
    }

    private String strictUtf8(int from, int to) throws MalformedJsonException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(in, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fault("a string is not valid UTF-8");
        }
    }

    private @Nullable Object literal(String word, @Nullable Object value) throws MalformedJsonException {
        for (int i = 0; i < word.length(); i++) {
            if (pos + i >= in.length || in[pos + i] != word.charAt(i)) {
                throw fault("expected " + word);
            }
        }
        pos += word.length();
        return value;
    }

    private Object number() throws MalformedJsonException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int intStart = pos;
        skipDigits();
        if (pos == intStart) {
            throw fault("expected a value");
        }
        if (in[intStart] == '0' && pos - intStart > 1) {
            throw fault("a number must not start with 0");
        }
        boolean whole = true;
        if (peek() == '.') {
            whole = false;
            pos++;
            requireDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            whole = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            requireDigits();
        }
        String text = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
        if (!whole) {
            return Double.parseDouble(text);
        }
        if (pos - start <= 18) {
            long value = Long.parseLong(text);
            return value == (int) value ? (Object) (int) value : (Object) value;
        }
        BigInteger big = new BigDecimal(text).toBigIntegerExact();
        return big.bitLength() < 64 ? (Object) big.longValue() : big;
    }

    private void requireDigits() throws MalformedJsonException {
        int from = pos;
        skipDigits();
        if (pos == from) {
            throw fault("expected a digit");
        }
    }

    private void skipDigits() {
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
    }

    private void skipSpace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private int peek() {
        return pos < in.length ? in[pos] : -1;
    }

    private void expect(char c) throws MalformedJsonException {
        if (peek() != c) {
            throw fault("expected '" + c + "'");
        }
        pos++;
    }

    private MalformedJsonException fault(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(pos, in.length); i++) {
            if (in[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        String found = pos >= in.length ? "end of content" : "'" + (char) (in[pos] & 0xff) + "'";
        return new MalformedJsonException(what + " at line " + line + ", column " + column + " (found " + found + ")");
    }
}
