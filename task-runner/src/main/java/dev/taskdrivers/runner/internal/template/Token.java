package dev.taskdrivers.runner.internal.template;

/**
 * One token inside an action. {@code spaceBefore} tells {@code $x.Foo} (a field of {@code $x}) from
 * {@code $x .Foo} (two arguments).
 */
record Token(Kind kind, String text, Pos pos, boolean spaceBefore) {
    enum Kind {
        IDENTIFIER,
        FIELD,
        DOT,
        VARIABLE,
        STRING,
        NUMBER,
        BOOL,
        NIL,
        LEFT_PAREN,
        RIGHT_PAREN,
        PIPE,
        DECLARE,
        ASSIGN,
        COMMA,
        END
    }

    boolean is(Kind k) {
        return kind == k;
    }
}
