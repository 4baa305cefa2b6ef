package dev.taskdrivers.runner.internal.hcl;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A parsed expression of HCL's native syntax. Every node knows where it starts and the text it was written as,
 * so that values which can only be known at run time are kept as that text.
 */
public sealed interface Expr {

    Position position();

    /** The expression exactly as written, without surrounding whitespace. */
    String source();

    /** A number ({@link BigDecimal}), a boolean, or null; or any value read from a JSON var file. */
    record Literal(Object value, Position position, String source) implements Expr {
        /**
         * HCL's {@code null}: a literal whose value is Java's null, which evaluation hands on as the absent value.
         * The only literal without a value, so the only place that breaks the non-null contract of {@code value}.
         */
        @SuppressWarnings("NullAway")
        static Literal ofNull(Position position, String source) {
            return new Literal(null, position, source);
        }
    }

    /** A quoted string or a heredoc: literal text, interpolations and directives. */
    record Template(List<TemplatePart> parts, Position position, String source) implements Expr {}

    /** A bare name: {@code var}, {@code local}, {@code attr}, a for-expression's iteration variable. */
    record Variable(String name, Position position, String source) implements Expr {}

    /** {@code target.name}. */
    record GetAttr(Expr target, String name, Position position, String source) implements Expr {}

    /** {@code target[key]}, and the legacy {@code target.0}. */
    record Index(Expr target, Expr key, Position position, String source) implements Expr {}

    /**
     * {@code target[*].a[0]} (full) or {@code target.*.a} (attributes only): {@code each} is applied to every element,
     * with {@link SplatItem} standing for the element.
     */
    record Splat(Expr target, Expr each, Position position, String source) implements Expr {}

    /** The current element inside a {@link Splat}'s {@code each}. */
    record SplatItem(Position position, String source) implements Expr {}

    /** {@code name(args)}; {@code expandLast} when the last argument is followed by {@code ...}. */
    record FunctionCall(String name, List<Expr> args, boolean expandLast, Position position, String source)
            implements Expr {}

    record Tuple(List<Expr> items, Position position, String source) implements Expr {}

    /** {@code { key = value, "key": value }}; a bare identifier key is a {@link Literal} string. */
    record ObjectCons(List<ObjectItem> items, Position position, String source) implements Expr {}

    record ObjectItem(Expr key, Expr value) {}

    /** {@code -x} or {@code !x}. */
    record Unary(String operator, Expr operand, Position position, String source) implements Expr {}

    /** Arithmetic, comparison and logic operators. */
    record Binary(String operator, Expr left, Expr right, Position position, String source) implements Expr {}

    /** {@code condition ? whenTrue : whenFalse}. */
    record Conditional(Expr condition, Expr whenTrue, Expr whenFalse, Position position, String source)
            implements Expr {}

    /**
     * {@code [for k, v in coll : value if cond]} or {@code {for k, v in coll : key => value... if cond}};
     * {@code keyVar}, {@code key} and {@code condition} may be null.
     */
    record ForExpr(
            @Nullable String keyVar,
            String valueVar,
            Expr collection,
            @Nullable Expr key,
            Expr value,
            boolean grouping,
            @Nullable Expr condition,
            Position position,
            String source)
            implements Expr {}
}
