package dev.taskdrivers.runner.internal.hcl;

import java.util.List;

/** The attributes and blocks of a file or of a block, in the order written. */
public record Body(List<Attribute> attributes, List<Block> blocks) {

    public Body {
        attributes = List.copyOf(attributes);
        blocks = List.copyOf(blocks);
    }

    /** {@code name = expression}. */
    public record Attribute(String name, Expr value, Position position) {}

    /** {@code type "label" ... { body }}. */
    public record Block(String type, List<String> labels, Body body, Position position) {

        public Block {
            labels = List.copyOf(labels);
        }
    }
}
