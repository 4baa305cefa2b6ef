package dev.taskdrivers.runner.internal.hcl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An evaluated body: attribute values and blocks, each with where it was written. Values are String, Long, Double,
 * Boolean, null, {@code List<Object>} and {@code Map<String, Object>}; a value that is known only when the task runs
 * is a String holding its {@code ${...}} text.
 */
public record EvaluatedBody(Map<String, Attribute> attributes, List<Block> blocks) {

    public EvaluatedBody {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        blocks = List.copyOf(blocks);
    }

    /** {@code name = value}. */
    public record Attribute(String name, Object value, Position position) {}

    /** {@code type "label" { body }}. */
    public record Block(String type, List<String> labels, EvaluatedBody body, Position position) {

        public Block {
            labels = List.copyOf(labels);
        }
    }

    /** The value of an attribute, or null when it is absent. */
    public @Nullable Object value(String name) {
        Attribute a = attributes.get(name);
        return a == null ? null : a.value();
    }

    /** The blocks of one type, in the order written. */
    public List<Block> blocks(String type) {
        return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    /**
     * The body as plain maps: each attribute's name maps to its value, each block type to a list with one
     * {@code {"labels": [...], "body": {...}}} map per block, in the order written.
     */
    public Map<String, Object> toTree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        attributes.forEach((name, a) -> tree.put(name, a.value()));
        Map<String, List<Object>> blocksByType = new LinkedHashMap<>();
        for (Block b : blocks) {
            Map<String, Object> block = new LinkedHashMap<>();
            block.put("labels", b.labels());
            block.put("body", b.body().toTree());
            blocksByType.computeIfAbsent(b.type(), t -> new ArrayList<>()).add(Collections.unmodifiableMap(block));
        }
        blocksByType.forEach((type, list) -> tree.put(type, Collections.unmodifiableList(list)));
        return Collections.unmodifiableMap(tree);
    }
}
