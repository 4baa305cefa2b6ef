package dev.taskdrivers.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code --driver-opt DRIVER.KEY=VALUE} arguments into options per driver. Dots after the driver name nest
 * ({@code docker.image_gc.delay=5s} gives docker {@code {"image_gc": {"delay": "5s"}}}); "true"/"false" become
 * booleans, whole numbers become numbers, anything else stays text (durations such as 5s are text the driver parses).
 */
final class DriverOptionParser {
    private DriverOptionParser() {}

    /**
     * The options per driver name.
     *
     * @throws IllegalArgumentException naming the argument when it is malformed or contradicts another one
     */
    static Map<String, Map<String, Object>> parse(List<String> options) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq);
            String[] path = key.split("\\.", -1);
            if (eq < 0 || path.length < 2 || List.of(path).contains("")) {
                throw new IllegalArgumentException("--driver-opt must look like DRIVER.KEY=VALUE (dots in KEY"
                        + " nest, e.g. docker.image_gc.delay=5s), got '" + option + "'");
            }
            put(root, path, typed(option.substring(eq + 1)), option);
        }
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        root.forEach((driver, values) -> result.put(driver, asMap(values)));
        return result;
    }

    /** Puts the value at the path; the same key given twice keeps the last value, as before nesting. */
    private static void put(Map<String, Object> root, String[] path, Object value, String option) {
        Map<String, Object> map = root;
        for (int i = 0; i < path.length - 1; i++) {
            Object existing = map.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
            if (!(existing instanceof Map)) {
                throw new IllegalArgumentException("--driver-opt " + option + ": "
                        + String.join(".", List.of(path).subList(0, i + 1)) + " is already set to a value, so it"
                        + " cannot also hold options");
            }
            map = asMap(existing);
        }
        Object previous = map.get(path[path.length - 1]);
        if (previous instanceof Map) {
            throw new IllegalArgumentException("--driver-opt " + option + ": " + String.join(".", path)
                    + " already holds nested options, so it cannot also be a value");
        }
        map.put(path[path.length - 1], value);
    }

    private static Object typed(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.valueOf(value);
        }
        return value.matches("-?\\d{1,18}") ? (Object) Long.valueOf(value) : value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
