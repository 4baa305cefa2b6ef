package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.api.ValidationProblem;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads one {@code templates[i]} object of the JSON spec into a {@link TemplateSpec.Builder}. */
final class TemplateReader {
    private TemplateReader() {}

    static TemplateSpec.Builder read(Map<String, Object> raw, String path, List<ValidationProblem> problems) {
        ConfigReader r = new ConfigReader(raw, path);
        String destination = r.optionalString("destination"); // the builder says when it is missing
        TemplateSpec.Builder t = TemplateSpec.builder(destination == null ? "" : destination);
        String data = r.optionalString("data");
        if (data != null) {
            t.data(data);
        }
        String source = r.optionalString("source");
        if (source != null) {
            t.source(source);
        }
        String mode = r.string("change_mode", TemplateSpec.ChangeMode.RESTART.specName());
        try {
            t.changeMode(TemplateSpec.ChangeMode.valueOf(mode.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            r.problem("change_mode", "must be restart, signal, noop or script, got \"" + mode + "\"");
        }
        String signal = r.optionalString("change_signal");
        if (signal != null) {
            t.changeSignal(signal);
        }
        if (r.has("change_script")) {
            ConfigReader s = r.nested("change_script");
            String command = s.requiredString("command");
            List<String> args = s.stringList("args");
            Duration timeout = s.duration("timeout", TemplateSpec.DEFAULT_SCRIPT_TIMEOUT);
            boolean failOnError = s.bool("fail_on_error", false);
            t.changeScript(new TemplateSpec.ChangeScript(command == null ? "" : command, args, timeout, failOnError));
            r.include(s);
        }
        t.splay(r.duration("splay", TemplateSpec.DEFAULT_SPLAY));
        t.perms(r.string("perms", TemplateSpec.DEFAULT_PERMS));
        long uid = r.integer("uid", -1, -1, Integer.MAX_VALUE);
        if (uid >= 0) {
            t.uid((int) uid);
        }
        long gid = r.integer("gid", -1, -1, Integer.MAX_VALUE);
        if (gid >= 0) {
            t.gid((int) gid);
        }
        t.env(r.bool("env", false));
        t.delimiters(r.string("left_delimiter", "{{"), r.string("right_delimiter", "}}"));
        t.errorOnMissingKey(r.bool("error_on_missing_key", false));
        if (r.has("wait")) {
            ConfigReader w = r.nested("wait");
            Duration min = w.duration("min", Duration.ZERO);
            Duration max = w.duration("max", min.multipliedBy(4));
            t.waitBounds(min, max);
            r.include(w);
        }
        problems.addAll(r.problems());
        return t;
    }
}
