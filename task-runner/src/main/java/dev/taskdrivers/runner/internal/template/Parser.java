package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.runner.internal.template.Node.Arg;
import dev.taskdrivers.runner.internal.template.Node.Command;
import dev.taskdrivers.runner.internal.template.Node.Pipeline;
import dev.taskdrivers.runner.internal.template.Token.Kind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Builds the node tree of a template from the lexer's segments. Functions are checked here, as Go does when it
 * parses, so a template naming one this engine lacks (e.g. {@code plugin}) is refused before it ever runs.
 */
final class Parser {
    private static final Set<String> UNSUPPORTED_KEYWORDS = Set.of("define", "template", "block", "break", "continue");

    private final List<Segment> segments;
    private final Set<String> functions;
    private int next;
    /** Variables in scope, innermost last; {@code $} is always there. */
    private final List<String> scope = new ArrayList<>(List.of("$"));

    Parser(List<Segment> segments, Set<String> functions) {
        this.segments = segments;
        this.functions = functions;
    }

    List<Node> parse() {
        List<Node> nodes = new ArrayList<>();
        Segment.Action stop = list(nodes);
        if (stop != null) {
            throw new TemplateException(
                    stop.pos(), "unexpected {{" + stop.tokens().get(0).text() + "}}");
        }
        return nodes;
    }

    /** Parses nodes up to an {@code end} or {@code else} action, which it returns (null at the end of the text). */
    private Segment.@Nullable Action list(List<Node> into) {
        while (next < segments.size()) {
            Segment s = segments.get(next++);
            if (s instanceof Segment.Text t) {
                into.add(new Node.Text(t.text()));
                continue;
            }
            Segment.Action a = (Segment.Action) s;
            if (a.tokens().isEmpty()) {
                throw new TemplateException(a.pos(), "missing value for command");
            }
            Token first = a.tokens().get(0);
            if (first.is(Kind.IDENTIFIER)) {
                switch (first.text()) {
                    case "end", "else" -> {
                        return a;
                    }
                    case "if" -> {
                        into.add(branch(Node.Kind.IF, a, 1));
                        continue;
                    }
                    case "with" -> {
                        into.add(branch(Node.Kind.WITH, a, 1));
                        continue;
                    }
                    case "range" -> {
                        into.add(branch(Node.Kind.RANGE, a, 1));
                        continue;
                    }
                    default -> {
                        if (UNSUPPORTED_KEYWORDS.contains(first.text())) {
                            throw new TemplateException(first.pos(), "{{" + first.text() + "}} is not supported");
                        }
                    }
                }
            }
            Cursor c = new Cursor(a, 0);
            Pipeline p = pipeline(c, true, false);
            c.expectEnd();
            into.add(new Node.Action(a.pos(), p));
        }
        return null;
    }

    /** {@code if}/{@code with}/{@code range} whose pipeline starts at token {@code from} of {@code a}. */
    private Node branch(Node.Kind kind, Segment.Action a, int from) {
        int scopeMark = scope.size();
        Cursor c = new Cursor(a, from);
        if (c.atEnd()) {
            throw new TemplateException(
                    a.pos(), "missing value for " + kind.name().toLowerCase());
        }
        Pipeline pipe = pipeline(c, true, kind == Node.Kind.RANGE);
        c.expectEnd();
        List<Node> body = new ArrayList<>();
        Segment.Action stop = list(body);
        truncate(scopeMark);
        List<Node> otherwise = null;
        if (stop == null) {
            throw new TemplateException(
                    a.pos(), "unexpected end of template: {{" + kind.name().toLowerCase() + "}} has no {{end}}");
        }
        if (stop.tokens().get(0).text().equals("else")) {
            otherwise = new ArrayList<>();
            if (stop.tokens().size() > 1) {
                // else if / else with: the rest is a nested branch that shares this one's {{end}}
                Token chained = stop.tokens().get(1);
                Node.Kind nested = switch (chained.text()) {
                    case "if" -> Node.Kind.IF;
                    case "with" -> Node.Kind.WITH;
                    default ->
                        throw new TemplateException(chained.pos(), "unexpected \"" + chained.text() + "\" after else");
                };
                otherwise.add(branch(nested, stop, 2));
                truncate(scopeMark);
                return new Node.Branch(kind, a.pos(), pipe, body, otherwise);
            }
            Segment.Action end = list(otherwise);
            truncate(scopeMark);
            if (end == null || !end.tokens().get(0).text().equals("end")) {
                throw new TemplateException(
                        end == null ? stop.pos() : end.pos(),
                        end == null ? "unexpected end of template: {{else}} has no {{end}}" : "expected {{end}}");
            }
            stop = end;
        }
        if (stop.tokens().size() > 1) {
            throw new TemplateException(stop.tokens().get(1).pos(), "unexpected token in {{end}}");
        }
        return new Node.Branch(kind, a.pos(), pipe, body, otherwise);
    }

    private void truncate(int size) {
        while (scope.size() > size) {
            scope.remove(scope.size() - 1);
        }
    }

    private Pipeline pipeline(Cursor c, boolean mayDeclare, boolean range) {
        Pos pos = c.peek().pos();
        List<String> vars = new ArrayList<>();
        boolean assign = false;
        if (mayDeclare && c.peek().is(Kind.VARIABLE)) {
            int mark = c.i;
            List<Token> declared = new ArrayList<>();
            declared.add(c.take());
            if (range && c.peek().is(Kind.COMMA)) {
                c.take();
                if (!c.peek().is(Kind.VARIABLE)) {
                    throw new TemplateException(c.peek().pos(), "expected a variable after ,");
                }
                declared.add(c.take());
            }
            if (c.peek().is(Kind.DECLARE) || c.peek().is(Kind.ASSIGN)) {
                assign = c.take().is(Kind.ASSIGN);
                for (Token t : declared) {
                    if (assign && !scope.contains(t.text())) {
                        throw new TemplateException(t.pos(), "undefined variable " + t.text());
                    }
                    vars.add(t.text());
                }
            } else {
                c.i = mark;
            }
        }
        List<Command> commands = new ArrayList<>();
        while (true) {
            commands.add(command(c));
            if (c.peek().is(Kind.PIPE)) {
                c.take();
                continue;
            }
            break;
        }
        if (!assign) {
            scope.addAll(vars);
        }
        return new Pipeline(pos, vars, assign, commands);
    }

    private Command command(Cursor c) {
        Pos pos = c.peek().pos();
        List<Arg> args = new ArrayList<>();
        while (!c.atEnd() && !c.peek().is(Kind.PIPE) && !c.peek().is(Kind.RIGHT_PAREN)) {
            if (!args.isEmpty() && !c.peek().spaceBefore()) {
                throw new TemplateException(
                        c.peek().pos(), "missing space before \"" + c.peek().text() + "\"");
            }
            args.add(operand(c));
        }
        if (args.isEmpty()) {
            throw new TemplateException(pos, "missing value for command");
        }
        return new Command(pos, args);
    }

    private Arg operand(Cursor c) {
        Arg term = term(c);
        List<String> fields = new ArrayList<>();
        while (c.peek().is(Kind.FIELD) && !c.peek().spaceBefore()) {
            fields.add(c.take().text().substring(1));
        }
        if (fields.isEmpty()) {
            return term;
        }
        if (term instanceof Node.Fields f) {
            List<String> all = new ArrayList<>(f.names());
            all.addAll(fields);
            return new Node.Fields(f.pos(), f.base(), all);
        }
        return new Node.Fields(term.pos(), term, fields);
    }

    private Arg term(Cursor c) {
        Token t = c.take();
        return switch (t.kind()) {
            case DOT -> new Node.Dot(t.pos());
            case FIELD ->
                new Node.Fields(t.pos(), new Node.Dot(t.pos()), List.of(t.text().substring(1)));
            case VARIABLE -> {
                if (!scope.contains(t.text())) {
                    throw new TemplateException(t.pos(), "undefined variable \"" + t.text() + "\"");
                }
                yield new Node.Variable(t.pos(), t.text());
            }
            case STRING -> new Node.Literal(t.pos(), unquote(t));
            case NUMBER -> new Node.Literal(t.pos(), number(t));
            case BOOL -> new Node.Literal(t.pos(), Boolean.valueOf(t.text()));
            case NIL -> new Node.Literal(t.pos(), null);
            case IDENTIFIER -> {
                String unsupported = Functions.UNSUPPORTED.get(t.text());
                if (unsupported != null) {
                    throw new TemplateException(t.pos(), "function \"" + t.text() + "\" " + unsupported);
                }
                if (!functions.contains(t.text())) {
                    throw new TemplateException(t.pos(), "function \"" + t.text() + "\" not defined");
                }
                yield new Node.Function(t.pos(), t.text());
            }
            case LEFT_PAREN -> {
                Pipeline p = pipeline(c, true, false);
                if (!c.peek().is(Kind.RIGHT_PAREN)) {
                    throw new TemplateException(c.peek().pos(), "unclosed left paren");
                }
                c.take();
                yield new Node.SubPipeline(t.pos(), p);
            }
            case END -> throw new TemplateException(t.pos(), "missing value");
            default -> throw new TemplateException(t.pos(), "unexpected \"" + t.text() + "\" in operand");
        };
    }

    private static Object number(Token t) {
        String s = t.text().replace("_", "");
        if (s.startsWith("'")) {
            String ch = unescape(s.substring(1, s.length() - 1), t.pos());
            return (long) ch.codePointAt(0);
        }
        try {
            String digits = s.startsWith("+") ? s.substring(1) : s;
            boolean negative = digits.startsWith("-");
            String magnitude = negative ? digits.substring(1) : digits;
            if (magnitude.startsWith("0x") || magnitude.startsWith("0X")) {
                long v = new BigInteger(magnitude.substring(2), 16).longValueExact();
                return negative ? -v : v;
            }
            if (magnitude.matches("[0-9]+")) {
                return Long.parseLong(digits);
            }
            return Double.parseDouble(digits);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TemplateException(t.pos(), "bad number syntax: \"" + t.text() + "\"");
        }
    }

    private static String unquote(Token t) {
        String s = t.text();
        if (s.startsWith("`")) {
            return s.substring(1, s.length() - 1);
        }
        return unescape(s.substring(1, s.length() - 1), t.pos());
    }

    private static String unescape(String s, Pos pos) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new TemplateException(pos, "bad escape at the end of a string");
            }
            char e = s.charAt(i);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case '\\', '"', '\'' -> b.append(e);
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw new TemplateException(pos, "bad \\u escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                case 'x' -> {
                    if (i + 2 >= s.length()) {
                        throw new TemplateException(pos, "bad \\x escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new TemplateException(pos, "unknown escape \\" + e);
            }
        }
        return b.toString();
    }

    /** Reads the tokens of one action. */
    private static final class Cursor {
        private final Segment.Action action;
        private int i;

        Cursor(Segment.Action action, int start) {
            this.action = action;
            this.i = start;
        }

        boolean atEnd() {
            return i >= action.tokens().size();
        }

        Token peek() {
            return atEnd() ? end() : action.tokens().get(i);
        }

        Token take() {
            Token t = peek();
            i++;
            return t;
        }

        private Token end() {
            List<Token> ts = action.tokens();
            Pos p = ts.isEmpty() ? action.pos() : ts.get(ts.size() - 1).pos();
            return new Token(Kind.END, "", p, true);
        }

        void expectEnd() {
            if (!atEnd()) {
                Token t = peek();
                throw new TemplateException(t.pos(), "unexpected \"" + t.text() + "\" in action");
            }
        }
    }
}
