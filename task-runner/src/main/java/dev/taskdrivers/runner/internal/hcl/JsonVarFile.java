package dev.taskdrivers.runner.internal.hcl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A var file in JSON, as Nomad reads a {@code -var-file} whose name ends in {@code .json}: one object whose members
 * are the variables' values ({@code {"image": "redis:7", "ports": [80, 443]}}). Values are taken as they are (a
 * string is text, never a template). Each value keeps its line and column, so a problem with it names them.
 */
final class JsonVarFile {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final String file;
    private final List<HclProblem> problems;

    private JsonVarFile(String file, List<HclProblem> problems) {
        this.file = file;
        this.problems = problems;
    }

    /** Whether a var file of this name is JSON. */
    static boolean isJson(String name) {
        return name.endsWith(".json");
    }

    /** The file's values as attributes at their places in it; problems are added to {@code problems}. */
    static List<Body.Attribute> read(String file, String text, List<HclProblem> problems) {
        return new JsonVarFile(file, problems).read(text);
    }

    private List<Body.Attribute> read(String text) {
        List<Body.Attribute> attributes = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                problem(
                        first == null ? new Position(file, 1, 1) : at(p.currentTokenLocation()),
                        "a JSON var file holds one object of \"name\": value members, as in {\"image\": \"redis:7\"};"
                                + " found " + (first == null ? "nothing" : describe(first)));
                return attributes;
            }
            Map<String, Position> seen = new HashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Position keyAt = at(p.currentTokenLocation());
                p.nextToken();
                Position valueAt = at(p.currentTokenLocation());
                Object value = value(p, name);
                Position earlier = seen.putIfAbsent(name, keyAt);
                if (earlier != null) {
                    problem(
                            keyAt,
                            "\"" + name + "\" is given a value twice; the first is at line " + earlier.line()
                                    + ", column " + earlier.column());
                    continue;
                }
                attributes.add(new Body.Attribute(name, literal(value, valueAt), keyAt));
            }
            if (p.nextToken() != null) {
                problem(at(p.currentTokenLocation()), "nothing may follow the var file's object");
            }
        } catch (JsonParseException e) {
            problem(at(e.getLocation()), "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            problem(new Position(file, 1, 1), "cannot read it as JSON: " + e.getMessage());
        }
        return attributes;
    }

    /** The value at the parser's current token, as the evaluator holds values; {@code path} names it in problems. */
    private @Nullable Object value(JsonParser p, String path) throws IOException {
        JsonToken token = p.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, @Nullable Object> members = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    Position keyAt = at(p.currentTokenLocation());
                    p.nextToken();
                    Object member = value(p, path + "." + key);
                    if (members.containsKey(key)) {
                        problem(keyAt, path + ": \"" + key + "\" is given twice");
                    }
                    members.put(key, member);
                }
                yield members;
            }
            case START_ARRAY -> {
                List<@Nullable Object> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p, path + "[" + items.size() + "]"));
                }
                yield items;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p, path);
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_NULL -> null;
            default -> throw new JsonParseException(p, "unexpected " + describe(token) + " at " + path);
        };
    }

    @SuppressWarnings("NullAway") // a null literal is HCL's null, as the parser's own null literal
    private static Expr literal(@Nullable Object value, Position at) {
        return new Expr.Literal(value, at, "");
    }

    private Object number(JsonParser p, String path) throws IOException {
        Position at = at(p.currentTokenLocation());
        try {
            return HclValues.checkRange(new BigDecimal(p.getText()), at);
        } catch (HclParseException e) {
            problem(at, path + ": " + e.problems().get(0).message());
            return BigDecimal.ZERO;
        }
    }

    private Position at(JsonLocation location) {
        return new Position(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    private void problem(Position at, String message) {
        problems.add(new HclProblem(at, message));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a bool";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "\"" + token.asString() + "\"";
        };
    }
}
