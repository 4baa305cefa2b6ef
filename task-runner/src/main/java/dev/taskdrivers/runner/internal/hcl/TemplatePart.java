package dev.taskdrivers.runner.internal.hcl;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One piece of a string template. */
public sealed interface TemplatePart {

    Position position();

    /** Literal text, escapes already applied. */
    record Text(String text, Position position) implements TemplatePart {}

    /** {@code ${expression}}. */
    record Interpolation(Expr expression, Position position) implements TemplatePart {}

    /** {@code %{ if condition }...%{ else }...%{ endif }}. */
    record If(Expr condition, List<TemplatePart> whenTrue, List<TemplatePart> whenFalse, Position position)
            implements TemplatePart {}

    /** {@code %{ for key, value in collection }...%{ endfor }}; {@code keyVar} may be null. */
    record For(@Nullable String keyVar, String valueVar, Expr collection, List<TemplatePart> body, Position position)
            implements TemplatePart {}
}
