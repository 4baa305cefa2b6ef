package dev.taskdrivers.runner.internal.hcl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates a parsed job file the way {@code nomad job run -var name=value} does: reads the {@code variable},
 * {@code variables} and {@code locals} blocks, applies the values given by the caller over the defaults, and
 * evaluates every other attribute. All problems found are reported together.
 */
public final class HclEvaluator {

    private static final Set<String> VARIABLE_ATTRIBUTES = Set.of("type", "default", "description", "sensitive");

    private final List<HclProblem> problems = new ArrayList<>();

    private HclEvaluator() {}

    /** Parses and evaluates a file; {@code variableValues} are given as text, like {@code -var name=value}. */
    public static EvaluatedBody evaluate(String file, String text, Map<String, String> variableValues) {
        return evaluate(HclParser.parse(file, text), new VariableInput(variableValues, List.of()));
    }

    /** Parses and evaluates a file with its variables' values from {@code -var} texts and var files. */
    public static EvaluatedBody evaluate(String file, String text, VariableInput input) {
        return evaluate(HclParser.parse(file, text), input);
    }

    public static EvaluatedBody evaluate(Body file, Map<String, String> variableValues) {
        return evaluate(file, new VariableInput(variableValues, List.of()));
    }

    public static EvaluatedBody evaluate(Body file, VariableInput input) {
        HclEvaluator evaluator = new HclEvaluator();
        EvaluatedBody result = evaluator.run(file, input);
        if (!evaluator.problems.isEmpty()) {
            throw new HclParseException(evaluator.problems);
        }
        return result;
    }

    private EvaluatedBody run(Body file, VariableInput input) {
        Map<String, String> given = input.texts();
        Map<String, Body.Attribute> fromFiles = input.fileValues(problems);
        Map<String, Declaration> declared = new LinkedHashMap<>();
        Map<String, Expr> locals = new LinkedHashMap<>();
        Map<String, Position> localPositions = new HashMap<>();
        List<Body.Block> rest = new ArrayList<>();
        for (Body.Block block : file.blocks()) {
            switch (block.type()) {
                case "variable" -> declareVariable(block, declared);
                case "variables" ->
                    block.body()
                            .attributes()
                            .forEach(a -> declare(
                                    new Declaration(a.name(), null, a.value(), List.of(), a.position()), declared));
                case "locals" -> {
                    checkNoBlocks(block);
                    for (Body.Attribute a : block.body().attributes()) {
                        Position earlier = localPositions.putIfAbsent(a.name(), a.position());
                        if (earlier != null) {
                            problem(
                                    a.position(),
                                    "local value \"" + a.name() + "\" is already defined at "
                                            + HclParser.lineColumn(earlier));
                        }
                        locals.putIfAbsent(a.name(), a.value());
                    }
                }
                default -> rest.add(block);
            }
        }
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                problem(
                        new Position("-var " + name, 1, 1),
                        "a value is given for \"" + name + "\" but the file declares no variable \"" + name + "\"");
            }
        }
        fromFiles.values().stream()
                .filter(a -> !declared.containsKey(a.name()))
                .forEach(a -> problem(
                        a.position(),
                        "a value is given for \"" + a.name() + "\" but the job file declares no variable \"" + a.name()
                                + "\""));
        Map<String, Object> values = new HashMap<>();
        ExpressionEvaluator evaluator = new ExpressionEvaluator(values, locals);
        for (Declaration d : declared.values()) {
            if (!attempt(() -> values.put(d.name, value(d, given, fromFiles)))) {
                evaluator.markUnusable(d.name);
            }
        }
        declared.values().forEach(d -> attempt(() -> validate(d, evaluator)));
        locals.forEach((name, expr) -> attempt(() -> evaluator.local(name, expr.position())));
        return body(new Body(file.attributes(), rest), evaluator);
    }

    private void declareVariable(Body.Block block, Map<String, Declaration> declared) {
        if (block.labels().size() != 1) {
            problem(
                    block.position(),
                    "a variable block needs exactly one label, its name, as in variable \"image\"" + " { ... }");
            return;
        }
        Expr type = null;
        Expr defaultValue = null;
        for (Body.Attribute a : block.body().attributes()) {
            switch (a.name()) {
                case "type" -> type = a.value();
                case "default" -> defaultValue = a.value();
                default -> {
                    if (!VARIABLE_ATTRIBUTES.contains(a.name())) {
                        problem(
                                a.position(),
                                "unsupported attribute \"" + a.name() + "\" in variable \""
                                        + block.labels().get(0)
                                        + "\"; expected type, default, description or sensitive");
                    }
                }
            }
        }
        List<Body.Block> validations = new ArrayList<>();
        for (Body.Block inner : block.body().blocks()) {
            if (inner.type().equals("validation")) {
                validations.add(inner);
            } else {
                problem(
                        inner.position(),
                        "unsupported block \"" + inner.type() + "\" in variable \""
                                + block.labels().get(0) + "\"; only validation blocks may appear here");
            }
        }
        declare(new Declaration(block.labels().get(0), type, defaultValue, validations, block.position()), declared);
    }

    private void declare(Declaration d, Map<String, Declaration> declared) {
        Declaration earlier = declared.putIfAbsent(d.name, d);
        if (earlier != null) {
            problem(
                    d.position,
                    "variable \"" + d.name + "\" is already declared at " + HclParser.lineColumn(earlier.position));
        }
    }

    private Object value(Declaration d, Map<String, String> given, Map<String, Body.Attribute> fromFiles) {
        VariableType type = d.type == null ? null : VariableType.of(d.type);
        String what = "variable \"" + d.name + "\"";
        if (given.containsKey(d.name)) {
            String text = given.get(d.name);
            Position at = new Position("-var " + d.name, 1, 1);
            if (type == null) {
                return text;
            }
            Object raw = type.isComplex()
                    ? ExpressionEvaluator.constantsOnly().evaluate(HclParser.parseExpression(at.file(), text))
                    : text;
            return type.convert(raw, at, what);
        }
        Body.Attribute fromFile = fromFiles.get(d.name);
        if (fromFile != null) {
            Object value = ExpressionEvaluator.constantsOnly().evaluate(fromFile.value());
            return type == null ? value : type.convert(value, fromFile.position(), what);
        }
        if (d.defaultValue == null) {
            throw new HclParseException(
                    d.position,
                    "variable \"" + d.name + "\" has no value: give it a default, set it with -var " + d.name
                            + "=... or in a -var-file");
        }
        Object value = ExpressionEvaluator.constantsOnly().evaluate(d.defaultValue);
        return type == null ? value : type.convert(value, d.defaultValue.position(), "the default of " + what);
    }

    private void validate(Declaration d, ExpressionEvaluator evaluator) {
        for (Body.Block validation : d.validations) {
            Body.Attribute condition = attribute(validation.body(), "condition");
            Body.Attribute message = attribute(validation.body(), "error_message");
            if (condition == null || message == null) {
                problem(validation.position(), "a validation block needs condition and error_message");
                continue;
            }
            Object ok = evaluator.evaluate(condition.value());
            if (!HclValues.toBool(ok, condition.position(), "the validation condition")) {
                problem(
                        condition.position(),
                        "invalid value for variable \"" + d.name + "\": "
                                + HclValues.toText(evaluator.evaluate(message.value()), message.position()));
            }
        }
    }

    private static Body.@Nullable Attribute attribute(Body body, String name) {
        return body.attributes().stream()
                .filter(a -> a.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    private void checkNoBlocks(Body.Block block) {
        block.body()
                .blocks()
                .forEach(b -> problem(
                        b.position(),
                        "a " + block.type() + " block holds only attributes, found the block \"" + b.type() + "\""));
    }

    private EvaluatedBody body(Body body, ExpressionEvaluator evaluator) {
        Map<String, EvaluatedBody.Attribute> attributes = new LinkedHashMap<>();
        for (Body.Attribute a : body.attributes()) {
            attempt(() -> attributes.put(
                    a.name(),
                    new EvaluatedBody.Attribute(
                            a.name(), HclValues.toPlain(evaluator.evaluate(a.value()), a.position()), a.position())));
        }
        List<EvaluatedBody.Block> blocks = new ArrayList<>();
        for (Body.Block b : body.blocks()) {
            if (b.type().equals("dynamic")) {
                problem(b.position(), "dynamic blocks are not supported; write the blocks out");
                continue;
            }
            Body.Attribute clash = attribute(body, b.type());
            if (clash != null) {
                problem(
                        b.position(),
                        "\"" + b.type() + "\" is both an attribute (at " + HclParser.lineColumn(clash.position())
                                + ") and a block in the same body");
                continue;
            }
            blocks.add(new EvaluatedBody.Block(b.type(), b.labels(), body(b.body(), evaluator), b.position()));
        }
        return new EvaluatedBody(attributes, blocks);
    }

    /** Runs one step, recording its problems; false when it failed. */
    private boolean attempt(Runnable step) {
        try {
            step.run();
            return true;
        } catch (HclParseException e) {
            problems.addAll(e.problems());
        } catch (ReportedElsewhere e) {
            // the cause is already among the problems
        }
        return false;
    }

    private void problem(Position at, String message) {
        problems.add(new HclProblem(at, message));
    }

    private record Declaration(
            String name,
            @Nullable Expr type,
            @Nullable Expr defaultValue,
            List<Body.Block> validations,
            Position position) {}
}
