package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.ExitResult;
import java.util.HashMap;
import java.util.Map;

/** How a task's exit reads in its events. */
final class ExitDescriptions {
    private ExitDescriptions() {}

    /** The details of a Terminated or Killed event. */
    static Map<String, String> details(ExitResult r) {
        Map<String, String> d = new HashMap<>();
        d.put("exit_code", Integer.toString(r.exitCode()));
        d.put("signal", Integer.toString(r.signal()));
        d.put("oom_killed", Boolean.toString(r.oomKilled()));
        if (r.error() != null) {
            d.put("error", r.error());
        }
        return d;
    }

    /** The message of a Terminated event. */
    static String describe(ExitResult r) {
        StringBuilder s = new StringBuilder("Exit Code: ").append(r.exitCode());
        if (r.signal() != 0) {
            s.append(", Signal: ").append(r.signal());
        }
        if (r.oomKilled()) {
            s.append(", OOM Killed");
        }
        if (r.error() != null) {
            s.append(", Error: ").append(r.error());
        }
        return s.toString();
    }
}
