package dev.taskdrivers.runner.internal.nomad;

import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.at;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.cast;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.number;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.putIfNotNull;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.putIfSet;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.set;
import static dev.taskdrivers.runner.internal.nomad.NomadApiJobMapper.texts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The parts of an API task that {@link NomadJobMapper} takes from blocks of a job file: {@code Lifecycle},
 * {@code LogConfig}, {@code Templates} and {@code Artifacts}, mapped onto the same model keys the blocks' attributes
 * have ({@code EmbeddedTmpl} is {@code data}, {@code DestPath} is {@code destination}, ...). Durations are
 * nanoseconds; unset values (null, zero, empty) are left out, so the spec's defaults apply as for a job file.
 */
final class NomadApiTaskParts {

    private final NomadApiJobMapper mapper;

    NomadApiTaskParts(NomadApiJobMapper mapper) {
        this.mapper = mapper;
    }

    /** Each object of a list, mapped by {@code part} at its index. */
    List<Object> each(String path, Object value, BiFunction<String, Map<String, Object>, Map<String, Object>> part) {
        List<Object> out = new ArrayList<>();
        List<Map<String, Object>> list = mapper.objects(path, value);
        for (int i = 0; i < list.size(); i++) {
            out.add(part.apply(path + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    /** {@code Hook} and {@code Sidecar}; a lifecycle without a hook is no lifecycle, as in Nomad. */
    Map<String, Object> lifecycle(String path, Object value) {
        Map<String, Object> lifecycle = new LinkedHashMap<>();
        object(path, value).forEach((key, v) -> {
            switch (key) {
                case "Hook" -> putIfSet(lifecycle, "hook", v);
                case "Sidecar" -> putIfSet(lifecycle, "sidecar", v);
                default -> mapper.other(at(path, key), v, Set.of());
            }
        });
        return lifecycle.containsKey("hook") ? lifecycle : Map.of();
    }

    /** {@code MaxFiles} and {@code MaxFileSizeMB}; turning collection off is refused as for a job file. */
    Map<String, Object> logs(String path, Object value) {
        Map<String, Object> logs = new LinkedHashMap<>();
        object(path, value).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "MaxFiles" -> putIfSet(logs, "max_files", number(v));
                case "MaxFileSizeMB" -> putIfSet(logs, "max_file_size", number(v));
                case "Disabled" -> {
                    if (Boolean.TRUE.equals(v)) {
                        mapper.problem(at, "turning log collection off is not supported");
                    }
                }
                case "Enabled" -> {
                    if (Boolean.FALSE.equals(v)) { // null when unset; false only when written so
                        mapper.problem(at, "turning log collection off is not supported");
                    }
                }
                default -> mapper.other(at, v, Set.of());
            }
        });
        return logs;
    }

    Map<String, Object> template(String path, Map<String, Object> raw) {
        Map<String, Object> template = new LinkedHashMap<>();
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "EmbeddedTmpl" -> putIfSet(template, "data", v);
                case "SourcePath" -> putIfSet(template, "source", v);
                case "DestPath" -> putIfSet(template, "destination", v);
                case "ChangeMode" -> putIfSet(template, "change_mode", v);
                case "ChangeSignal" -> putIfSet(template, "change_signal", v);
                case "ChangeScript" -> putIfSet(template, "change_script", changeScript(at, v));
                case "Splay" -> putIfNotNull(template, "splay", mapper.duration(at, v));
                case "Perms" -> putIfSet(template, "perms", v);
                case "Uid" -> putIfNotNull(template, "uid", number(v)); // 0 is root, -1 unset
                case "Gid" -> putIfNotNull(template, "gid", number(v));
                case "LeftDelim" -> putIfSet(template, "left_delimiter", v);
                case "RightDelim" -> putIfSet(template, "right_delimiter", v);
                case "Envvars" -> putIfSet(template, "env", v);
                case "ErrMissingKey" -> putIfSet(template, "error_on_missing_key", v);
                case "Wait" -> putIfSet(template, "wait", waitBounds(at, v));
                case "VaultGrace" -> {
                    if (set(v)) {
                        mapper.ignored(at);
                    }
                }
                case "Once" -> {
                    if (set(v)) {
                        mapper.problem(at, "not supported yet");
                    }
                }
                default -> mapper.other(at, v, Set.of());
            }
        });
        return template;
    }

    Map<String, Object> artifact(String path, Map<String, Object> raw) {
        Map<String, Object> artifact = new LinkedHashMap<>();
        raw.forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "GetterSource" -> putIfSet(artifact, "source", v);
                case "RelativeDest" -> putIfSet(artifact, "destination", v);
                case "GetterMode" -> putIfSet(artifact, "mode", v);
                case "GetterOptions" -> putIfSet(artifact, "options", texts(v));
                case "GetterHeaders" -> putIfSet(artifact, "headers", texts(v));
                case "Chown", "GetterInsecure" -> {
                    if (set(v)) {
                        mapper.problem(at, "not supported yet");
                    }
                }
                default -> mapper.other(at, v, Set.of());
            }
        });
        return artifact;
    }

    private Map<String, Object> changeScript(String path, Object value) {
        Map<String, Object> script = new LinkedHashMap<>();
        object(path, value).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Command" -> putIfSet(script, "command", v);
                case "Args" -> putIfSet(script, "args", v);
                case "Timeout" -> putIfNotNull(script, "timeout", mapper.duration(at, v));
                case "FailOnError" -> putIfSet(script, "fail_on_error", v);
                default -> mapper.other(at, v, Set.of());
            }
        });
        return script;
    }

    private Map<String, Object> waitBounds(String path, Object value) {
        Map<String, Object> wait = new LinkedHashMap<>();
        object(path, value).forEach((key, v) -> {
            String at = at(path, key);
            switch (key) {
                case "Min" -> putIfNotNull(wait, "min", mapper.duration(at, v));
                case "Max" -> putIfNotNull(wait, "max", mapper.duration(at, v));
                default -> mapper.other(at, v, Set.of());
            }
        });
        return wait;
    }

    /** The object at {@code path}; empty when unset, and a problem when it is not an object. */
    private Map<String, Object> object(String path, Object value) {
        if (value instanceof Map<?, ?> map) {
            return cast(map);
        }
        if (value != null) {
            mapper.problem(path, "must be an object");
        }
        return Map.of();
    }
}
