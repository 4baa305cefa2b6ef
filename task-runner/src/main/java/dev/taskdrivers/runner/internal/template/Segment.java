package dev.taskdrivers.runner.internal.template;

import java.util.List;

/** A piece of a template: text as it is, or the tokens of one action between the delimiters. */
sealed interface Segment {
    record Text(String text) implements Segment {}

    record Action(Pos pos, List<Token> tokens) implements Segment {}
}
