package dev.taskdrivers.runner.internal.hcl;

import dev.taskdrivers.runner.internal.hcl.Body.Attribute;
import dev.taskdrivers.runner.internal.hcl.Body.Block;
import dev.taskdrivers.runner.internal.hcl.Scanner.SyntaxError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A recursive-descent parser for HCL's native syntax: bodies of attributes and labelled blocks, and the expression
 * language (templates are read by {@link TemplateParser}). Syntax errors inside a body are collected and parsing goes
 * on at the next line, so one run reports several of them.
 */
public final class HclParser {

    private static final int MAX_NESTING = 64;
    private static final int MAX_PROBLEMS = 20;
    private static final int MAX_NUMBER_DIGITS = 400;

    private final Scanner in;
    private final TemplateParser templates;
    private final List<HclProblem> problems = new ArrayList<>();
    private int nesting;
    private boolean unclosedReported;

    private HclParser(String file, String text) {
        this.in = new Scanner(new SourceText(file, text));
        this.templates = new TemplateParser(in, this);
    }

    /** Parses a whole file. */
    public static Body parse(String file, String text) {
        HclParser parser = new HclParser(file, text);
        Body body = null;
        try {
            body = parser.body(null, null);
        } catch (SyntaxError fatal) {
            parser.problems.add(fatal.problem());
        }
        if (!parser.problems.isEmpty()) {
            throw new HclParseException(parser.problems);
        }
        // without problems the body was parsed
        return Objects.requireNonNull(body, "body");
    }

    /** Parses text that holds a single expression (a value given on the command line, for example). */
    public static Expr parseExpression(String file, String text) {
        HclParser parser = new HclParser(file, text);
        try {
            parser.in.skipSpaceAndNewlines();
            Expr expr = parser.expression();
            parser.in.skipSpaceAndNewlines();
            if (!parser.in.atEnd()) {
                throw parser.in.error("expected the end of the expression, found " + parser.in.describe());
            }
            return expr;
        } catch (SyntaxError e) {
            throw new HclParseException(List.of(e.problem()));
        }
    }

    // ---- structure

    private Body body(@Nullable String blockType, @Nullable Position openedAt) {
        List<Attribute> attributes = new ArrayList<>();
        List<Block> blocks = new ArrayList<>();
        Map<String, Position> attributeNames = new HashMap<>();
        in.ignoreNewlines(false);
        while (true) {
            in.skipSpaceAndNewlines();
            if (in.atEnd()) {
                if (blockType != null && !unclosedReported) {
                    unclosedReported = true;
                    record(new HclProblem(
                            in.position(),
                            "expected \"}\" to close the block \"" + blockType + "\" opened at "
                                    + lineColumn(Objects.requireNonNull(openedAt, "openedAt"))
                                    + ", found end of file"));
                }
                return new Body(attributes, blocks);
            }
            if (in.peek() == '}') {
                in.advance(1);
                if (blockType != null) {
                    return new Body(attributes, blocks);
                }
                record(new HclProblem(in.position(in.pos() - 1), "unexpected \"}\": no block is open here"));
                continue;
            }
            try {
                item(attributes, blocks, attributeNames);
            } catch (SyntaxError e) {
                if (e.fatal()) {
                    throw e;
                }
                record(e.problem());
                in.ignoreNewlines(false);
                skipRestOfItem();
            }
        }
    }

    private void item(List<Attribute> attributes, List<Block> blocks, Map<String, Position> attributeNames) {
        Position at = in.position();
        if (!in.atIdentifierStart()) {
            throw in.error("expected an attribute name or a block type, found " + in.describe());
        }
        String name = in.identifier();
        in.skipSpace();
        if (in.peek() == '=' && in.peekAt(1) != '=') {
            in.advance(1);
            in.skipSpace();
            if (in.atLineEnd()) {
                throw in.error("expected a value after \"" + name + " =\", found " + in.describe());
            }
            Expr value = expression();
            in.skipSpace();
            endOfItem("after the value of \"" + name + "\"");
            Position earlier = attributeNames.putIfAbsent(name, at);
            if (earlier != null) {
                throw new SyntaxError(at, "attribute \"" + name + "\" is already defined at " + lineColumn(earlier));
            }
            attributes.add(new Attribute(name, value, at));
            return;
        }
        List<String> labels = new ArrayList<>();
        while (true) {
            if (in.peek() == '"') {
                labels.add(templates.stringLiteral("a block label"));
            } else if (in.atIdentifierStart()) {
                labels.add(in.identifier());
            } else {
                break;
            }
            in.skipSpace();
        }
        if (in.peek() != '{') {
            throw in.error(
                    labels.isEmpty()
                            ? "expected \"=\" or \"{\" after \"" + name + "\", found " + in.describe()
                            : "expected \"{\" to open the block \"" + name + "\", found " + in.describe());
        }
        in.advance(1);
        Body body = nested(() -> body(name, at));
        in.skipSpace();
        endOfItem("after the \"}\" closing the block \"" + name + "\"");
        blocks.add(new Block(name, labels, body, at));
    }

    private void endOfItem(String where) {
        if (in.peek() == '}' && !in.atEnd()) {
            return;
        }
        if (!in.atLineEnd()) {
            throw in.error("expected a newline " + where + ", found " + in.describe());
        }
        in.skipLineEnd();
    }

    /** After an error: skips to the end of the line, past any brackets and strings opened on it. */
    private void skipRestOfItem() {
        int depth = 0;
        if (!in.atEnd() && (in.peek() == ')' || in.peek() == ']')) {
            in.advance(1);
        }
        while (!in.atEnd()) {
            char c = in.peek();
            if (c == '\n' && depth <= 0) {
                return;
            }
            if (c == '"') {
                skipQuoted();
                continue;
            }
            if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                if (depth == 0 && c == '}') {
                    return;
                }
                depth = Math.max(0, depth - 1);
            }
            in.advance(1);
        }
    }

    private void skipQuoted() {
        in.advance(1);
        while (!in.atEnd() && in.peek() != '"' && in.peek() != '\n') {
            in.advance(in.peek() == '\\' ? 2 : 1);
        }
        if (in.peek() == '"') {
            in.advance(1);
        }
    }

    private void record(HclProblem problem) {
        problems.add(problem);
        if (problems.size() >= MAX_PROBLEMS) {
            throw new HclParseException(problems);
        }
    }

    static String lineColumn(Position p) {
        return p.line() + ":" + p.column();
    }

    // ---- expressions

    /** Parses an expression at the reading position. */
    Expr expression() {
        return nested(this::conditional);
    }

    private <T> T nested(java.util.function.Supplier<T> parse) {
        if (++nesting > MAX_NESTING) {
            nesting--;
            throw in.error("expressions or blocks are nested more than " + MAX_NESTING + " levels deep");
        }
        try {
            return parse.get();
        } finally {
            nesting--;
        }
    }

    private Expr conditional() {
        in.skipSpace();
        int start = in.pos();
        Expr condition = binary(1);
        in.skipSpace();
        if (in.peek() != '?' || in.atEnd()) {
            return condition;
        }
        in.advance(1);
        in.skipSpace();
        Expr whenTrue = expression();
        in.skipSpace();
        in.expect(':', "\":\" in the conditional expression started at " + lineColumn(in.position(start)));
        in.skipSpace();
        Expr whenFalse = expression();
        return new Expr.Conditional(condition, whenTrue, whenFalse, in.position(start), in.slice(start, in.pos()));
    }

    private Expr binary(int level) {
        if (level > 6) {
            return unary();
        }
        int start = in.pos();
        Expr left = binary(level + 1);
        while (true) {
            int beforeSpace = in.pos();
            in.skipSpace();
            String operator = operator(level);
            if (operator == null) {
                in.moveTo(beforeSpace);
                return left;
            }
            in.advance(operator.length());
            in.skipSpace();
            if (in.atLineEnd() && !in.newlinesIgnored()) {
                throw in.error("expected an operand after \"" + operator + "\", found " + in.describe());
            }
            Expr right = binary(level + 1);
            left = new Expr.Binary(operator, left, right, in.position(start), in.slice(start, in.pos()));
        }
    }

    private @Nullable String operator(int level) {
        if (in.atEnd()) {
            return null;
        }
        char c = in.peek();
        char next = in.peekAt(1);
        switch (level) {
            case 1:
                return in.peek("||") ? "||" : null;
            case 2:
                return in.peek("&&") ? "&&" : null;
            case 3:
                return in.peek("==") ? "==" : in.peek("!=") ? "!=" : null;
            case 4:
                if (in.peek("<=") || in.peek(">=")) {
                    return in.peek("<=") ? "<=" : ">=";
                }
                return (c == '<' && next != '<') || c == '>' ? String.valueOf(c) : null;
            case 5:
                return c == '+' || c == '-' ? String.valueOf(c) : null;
            default:
                if (c == '*' || c == '%' && next != '{') {
                    return String.valueOf(c);
                }
                return c == '/' && next != '/' && next != '*' ? "/" : null;
        }
    }

    private Expr unary() {
        in.skipSpace();
        int start = in.pos();
        char c = in.peek();
        if ((c == '-' || (c == '!' && in.peekAt(1) != '=')) && !in.atEnd()) {
            in.advance(1);
            in.skipSpace();
            Expr operand = nested(this::unary);
            return new Expr.Unary(String.valueOf(c), operand, in.position(start), in.slice(start, in.pos()));
        }
        return postfix();
    }

    private Expr postfix() {
        int start = in.pos();
        Expr expr = primary();
        while (true) {
            int beforeSpace = in.pos();
            in.skipSpace();
            if (in.peek() == '.' && !in.peek("...") && !in.atEnd()) {
                in.advance(1);
                in.skipSpace();
                if (in.peek() == '*') {
                    in.advance(1);
                    expr = splat(expr, start, false);
                } else if (Scanner.isDigit(in.peek())) {
                    int digitsStart = in.pos();
                    while (Scanner.isDigit(in.peek())) {
                        in.advance(1);
                    }
                    String digits = in.slice(digitsStart, in.pos());
                    Expr key = new Expr.Literal(new BigDecimal(digits), in.position(digitsStart), digits);
                    expr = new Expr.Index(expr, key, in.position(start), in.slice(start, in.pos()));
                } else if (in.atIdentifierStart()) {
                    String name = in.identifier();
                    expr = new Expr.GetAttr(expr, name, in.position(start), in.slice(start, in.pos()));
                } else {
                    throw in.error("expected an attribute name after \".\", found " + in.describe());
                }
            } else if (in.peek() == '[' && !in.atEnd()) {
                in.advance(1);
                boolean previous = in.ignoreNewlines(true);
                in.skipSpace();
                if (in.peek() == '*') {
                    in.advance(1);
                    in.skipSpace();
                    in.expect(']', "\"]\" after \"[*\"");
                    in.ignoreNewlines(previous);
                    expr = splat(expr, start, true);
                } else {
                    Expr key = expression();
                    in.skipSpace();
                    in.expect(']', "\"]\" to close the index");
                    in.ignoreNewlines(previous);
                    expr = new Expr.Index(expr, key, in.position(start), in.slice(start, in.pos()));
                }
            } else {
                in.moveTo(beforeSpace);
                return expr;
            }
        }
    }

    /** After {@code .*} or {@code [*]}: the attribute (and, for the full splat, index) steps applied to each element. */
    private Expr splat(Expr target, int start, boolean full) {
        Expr each = new Expr.SplatItem(in.position(), "");
        int eachStart = in.pos();
        while (true) {
            int before = in.pos();
            in.skipSpace();
            if (in.peek() == '.' && !in.peek("...")) {
                in.advance(1);
                in.skipSpace();
                if (!in.atIdentifierStart()) {
                    in.moveTo(before);
                    break;
                }
                String name = in.identifier();
                each = new Expr.GetAttr(each, name, in.position(eachStart), in.slice(eachStart, in.pos()));
            } else if (full && in.peek() == '[' && in.peekAt(1) != '*') {
                in.advance(1);
                boolean previous = in.ignoreNewlines(true);
                in.skipSpace();
                Expr key = expression();
                in.skipSpace();
                in.expect(']', "\"]\" to close the index");
                in.ignoreNewlines(previous);
                each = new Expr.Index(each, key, in.position(eachStart), in.slice(eachStart, in.pos()));
            } else {
                in.moveTo(before);
                break;
            }
        }
        return new Expr.Splat(target, each, in.position(start), in.slice(start, in.pos()));
    }

    private Expr primary() {
        in.skipSpace();
        int start = in.pos();
        if (in.atEnd()) {
            throw in.error("expected an expression, found end of file");
        }
        char c = in.peek();
        if (Scanner.isDigit(c)) {
            return number();
        }
        if (c == '"') {
            return templates.quoted();
        }
        if (in.peek("<<")) {
            return templates.heredoc();
        }
        if (c == '(') {
            in.advance(1);
            boolean previous = in.ignoreNewlines(true);
            in.skipSpace();
            Expr inner = expression();
            in.skipSpace();
            in.expect(')', "\")\" to close the \"(\" at " + lineColumn(in.position(start)));
            in.ignoreNewlines(previous);
            return inner;
        }
        if (c == '[') {
            return tuple();
        }
        if (c == '{') {
            return object();
        }
        if (in.atIdentifierStart()) {
            String name = in.identifier();
            Position at = in.position(start);
            switch (name) {
                case "true":
                    return new Expr.Literal(Boolean.TRUE, at, name);
                case "false":
                    return new Expr.Literal(Boolean.FALSE, at, name);
                case "null":
                    return Expr.Literal.ofNull(at, name);
                default:
                    break;
            }
            int afterName = in.pos();
            in.skipSpace();
            if (in.peek() == '(' && !in.atEnd()) {
                return call(name, start);
            }
            in.moveTo(afterName);
            return new Expr.Variable(name, at, name);
        }
        throw in.error("expected an expression, found " + in.describe());
    }

    private Expr number() {
        int start = in.pos();
        while (Scanner.isDigit(in.peek())) {
            in.advance(1);
        }
        if (in.peek() == '.' && Scanner.isDigit(in.peekAt(1))) {
            in.advance(1);
            while (Scanner.isDigit(in.peek())) {
                in.advance(1);
            }
        }
        char e = in.peek();
        if ((e == 'e' || e == 'E')
                && (Scanner.isDigit(in.peekAt(1))
                        || ((in.peekAt(1) == '+' || in.peekAt(1) == '-') && Scanner.isDigit(in.peekAt(2))))) {
            in.advance(2);
            while (Scanner.isDigit(in.peek())) {
                in.advance(1);
            }
        }
        String text = in.slice(start, in.pos());
        BigDecimal value;
        try {
            value = new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException ex) {
            throw new SyntaxError(in.position(start), "number " + text + " is out of range");
        }
        if (value.signum() != 0
                && (value.precision() - value.scale() > MAX_NUMBER_DIGITS || value.scale() > MAX_NUMBER_DIGITS)) {
            throw new SyntaxError(in.position(start), "number " + text + " is out of range");
        }
        return new Expr.Literal(value, in.position(start), text);
    }

    private Expr call(String name, int start) {
        in.advance(1);
        boolean previous = in.ignoreNewlines(true);
        in.skipSpace();
        List<Expr> args = new ArrayList<>();
        boolean expandLast = false;
        while (in.peek() != ')' || in.atEnd()) {
            args.add(expression());
            in.skipSpace();
            if (in.peek("...")) {
                in.advance(3);
                expandLast = true;
                in.skipSpace();
                break;
            }
            if (in.peek() == ',') {
                in.advance(1);
                in.skipSpace();
            } else if (in.peek() != ')' || in.atEnd()) {
                throw in.error("expected \",\" or \")\" in the arguments of " + name + "(...), found " + in.describe());
            }
        }
        in.expect(')', "\")\" to close the arguments of " + name + "(...)");
        in.ignoreNewlines(previous);
        return new Expr.FunctionCall(name, args, expandLast, in.position(start), in.slice(start, in.pos()));
    }

    /** "for" first inside brackets always starts a for expression; {@code (for)} or {@code "for"} avoid it. */
    private boolean atForIntro() {
        return in.atKeyword("for");
    }

    private Expr tuple() {
        int start = in.pos();
        in.advance(1);
        boolean previous = in.ignoreNewlines(true);
        in.skipSpace();
        if (atForIntro()) {
            Expr result = forExpression(start, false);
            in.ignoreNewlines(previous);
            return result;
        }
        List<Expr> items = new ArrayList<>();
        while (in.peek() != ']' || in.atEnd()) {
            items.add(expression());
            in.skipSpace();
            if (in.peek() == ',') {
                in.advance(1);
                in.skipSpace();
            } else if (in.peek() != ']' || in.atEnd()) {
                throw in.error("expected \",\" or \"]\" in the list started at " + lineColumn(in.position(start))
                        + ", found " + in.describe());
            }
        }
        in.advance(1);
        in.ignoreNewlines(previous);
        return new Expr.Tuple(items, in.position(start), in.slice(start, in.pos()));
    }

    private Expr object() {
        int start = in.pos();
        in.advance(1);
        boolean previous = in.ignoreNewlines(true);
        in.skipSpace();
        if (atForIntro()) {
            Expr result = forExpression(start, true);
            in.ignoreNewlines(previous);
            return result;
        }
        in.ignoreNewlines(false);
        List<Expr.ObjectItem> items = new ArrayList<>();
        while (true) {
            in.skipSpaceAndNewlines();
            if (in.peek() == '}' && !in.atEnd()) {
                break;
            }
            if (in.atEnd()) {
                throw in.error("expected \"}\" to close the object started at " + lineColumn(in.position(start))
                        + ", found end of file");
            }
            Expr key = objectKey();
            in.skipSpace();
            if ((in.peek() != '=' && in.peek() != ':') || in.atEnd() || in.peek("==")) {
                throw in.error(
                        "expected \"=\" or \":\" after the object key " + key.source() + ", found " + in.describe());
            }
            in.advance(1);
            in.skipSpace();
            Expr value = expression();
            items.add(new Expr.ObjectItem(key, value));
            in.skipSpace();
            if (in.peek() == ',' && !in.atEnd()) {
                in.advance(1);
            } else if (in.atLineEnd() && !in.atEnd()) {
                in.skipLineEnd();
            } else if (in.peek() != '}' || in.atEnd()) {
                throw in.error("expected \",\", a newline or \"}\" after the value of " + key.source()
                        + " in the object started at " + lineColumn(in.position(start)) + ", found " + in.describe());
            }
        }
        in.advance(1);
        in.ignoreNewlines(previous);
        return new Expr.ObjectCons(items, in.position(start), in.slice(start, in.pos()));
    }

    /** A bare name before "=" or ":" is the key itself, not a variable; anything else is an expression. */
    private Expr objectKey() {
        int start = in.pos();
        if (in.atIdentifierStart()) {
            String name = in.identifier();
            int after = in.pos();
            in.skipSpace();
            boolean bareKey = (in.peek() == '=' && in.peekAt(1) != '=') || in.peek() == ':';
            in.moveTo(after);
            if (bareKey) {
                return new Expr.Template(
                        List.of(new TemplatePart.Text(name, in.position(start))), in.position(start), name);
            }
            in.moveTo(start);
        }
        return expression();
    }

    private Expr forExpression(int start, boolean object) {
        String close = object ? "}" : "]";
        in.identifier();
        Scanner.ForVariables vars = in.forVariables("after the for expression's variables");
        String keyVar = vars.key();
        String valueVar = vars.value();
        Expr collection = expression();
        in.skipSpace();
        in.expect(':', "\":\" after the for expression's collection");
        Expr key = null;
        Expr value = expression();
        in.skipSpace();
        boolean grouping = false;
        if (object) {
            if (!in.peek("=>")) {
                throw in.error(
                        "expected \"=>\" between the key and value of the for expression, found " + in.describe());
            }
            in.advance(2);
            key = value;
            value = expression();
            in.skipSpace();
            if (in.peek("...")) {
                in.advance(3);
                grouping = true;
                in.skipSpace();
            }
        }
        Expr condition = null;
        if (in.atKeyword("if")) {
            in.identifier();
            condition = expression();
            in.skipSpace();
        }
        in.expect(
                close.charAt(0),
                "\"" + close + "\" to close the for expression started at " + lineColumn(in.position(start)));
        return new Expr.ForExpr(
                keyVar,
                valueVar,
                collection,
                key,
                value,
                grouping,
                condition,
                in.position(start),
                in.slice(start, in.pos()));
    }
}
