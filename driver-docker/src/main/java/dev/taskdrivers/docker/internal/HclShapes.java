package dev.taskdrivers.docker.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nomad's HCL turns a block or an object attribute into a list of objects ({@code ulimit = [{nofile = "1024"}]},
 * {@code logging = [{type = "json-file", config = [{...}]}]}). This folds such lists back into one object, so the
 * readers see the shape the documentation shows. A list holding anything but objects is left for the reader to
 * report.
 */
public final class HclShapes {
    private HclShapes() {}

    /**
     * A copy of {@code config} with the object at each of {@code paths} folded. A path is dot-separated keys, and a
     * key ending in {@code []} names a list of objects whose items are each followed into, e.g.
     * {@code mount[].volume_options.driver_config.options}. Every object on the way is folded as well.
     */
    public static Map<String, Object> fold(Map<String, Object> config, List<String> paths) {
        Map<String, Object> out = new LinkedHashMap<>(config);
        for (String path : paths) {
            foldPath(out, path.split("\\."), 0);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void foldPath(Map<String, Object> map, String[] keys, int index) {
        String key = keys[index];
        boolean eachItem = key.endsWith("[]");
        String name = eachItem ? key.substring(0, key.length() - 2) : key;
        Object value = map.get(name);
        if (value == null) {
            return;
        }
        if (eachItem) {
            if (!(value instanceof List<?> list) || index + 1 == keys.length) {
                return;
            }
            List<Object> items = new ArrayList<>();
            for (Object item : list) {
                Object folded = merge(item);
                if (folded instanceof Map<?, ?> m) {
                    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
                    foldPath(copy, keys, index + 1);
                    items.add(copy);
                } else {
                    items.add(item);
                }
            }
            map.put(name, items);
            return;
        }
        Object folded = merge(value);
        if (folded instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) m);
            if (index + 1 < keys.length) {
                foldPath(copy, keys, index + 1);
            }
            map.put(name, copy);
        }
    }

    /** The merged object when {@code value} is a non-empty list of objects (a later one's keys win), else itself. */
    static Object merge(Object value) {
        if (!(value instanceof List<?> list)
                || list.isEmpty()
                || !list.stream().allMatch(item -> item instanceof Map<?, ?>)) {
            return value;
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Object item : list) {
            ((Map<?, ?>) item).forEach((k, v) -> merged.put(String.valueOf(k), v));
        }
        return merged;
    }
}
