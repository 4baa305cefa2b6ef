package dev.taskdrivers.runner.internal.template;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The parsed form of a template. */
sealed interface Node {
    /** Text copied to the output. */
    record Text(String text) implements Node {}

    /** A pipeline whose value is printed, unless it declares or assigns a variable. */
    record Action(Pos pos, Pipeline pipe) implements Node {}

    /** {@code if}, {@code with} ({@code dot} true: the value becomes dot) and {@code range}. */
    record Branch(
            Kind kind,
            Pos pos,
            Pipeline pipe,
            List<Node> body,
            @Nullable List<Node> otherwise) implements Node {}

    enum Kind {
        IF,
        WITH,
        RANGE
    }

    /** {@code $a, $b := cmd | cmd}; {@code assign} is {@code =} instead of {@code :=}. */
    record Pipeline(Pos pos, List<String> variables, boolean assign, List<Command> commands) {}

    /** One command of a pipeline: a function and its arguments, or one operand. */
    record Command(Pos pos, List<Arg> args) {}

    /** An operand. */
    sealed interface Arg {
        Pos pos();
    }

    record Dot(Pos pos) implements Arg {}

    record Literal(Pos pos, @Nullable Object value) implements Arg {}

    record Variable(Pos pos, String name) implements Arg {}

    record Function(Pos pos, String name) implements Arg {}

    record SubPipeline(Pos pos, Pipeline pipe) implements Arg {}

    /** {@code base.A.B}: fields (or map keys) of an operand; a bare {@code .A.B} has {@link Dot} as base. */
    record Fields(Pos pos, Arg base, List<String> names) implements Arg {}
}
