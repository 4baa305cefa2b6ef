package dev.taskdrivers.runner.spec;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every rule of the job model that needs no driver and no registry: names, uniqueness, leaders, resources, restart
 * policies, kill settings, ports and services. The parser applies them to the model it built and the runner to a
 * job built in code, so both refuse the same things under the same JSON paths (e.g.
 * {@code job.groups[0].tasks[1].resources.cpu}).
 */
final class JobRules {
    /** Task names that would collide with a directory of the allocation: {@code alloc} is the shared one. */
    static final Set<String> RESERVED_TASK_NAMES = Set.of("alloc");
    static final int MAX_COUNT = 10_000;
    static final int MAX_CPU = 1_000_000;
    static final int MAX_MEMORY_MB = 10_000_000;
    private static final Pattern PORT_LABEL = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]+");
    private static final Set<String> INITIAL_STATUSES = Set.of("passing", "warning", "critical");

    private JobRules() {
    }

    static List<ValidationProblem> job(JobSpec job) {
        List<ValidationProblem> problems = new ArrayList<>();
        name(job.name(), "job.name", problems);
        if (job.groups().isEmpty()) {
            problems.add(new ValidationProblem("job.groups", "must have at least one group"));
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < job.groups().size(); i++) {
            GroupSpec group = job.groups().get(i);
            String path = "job.groups[" + i + "]";
            if (!group.name().isEmpty() && !names.add(group.name())) {
                problems.add(new ValidationProblem(path + ".name", "duplicate group name \"" + group.name() + "\""));
            }
            problems.addAll(group(group, path));
        }
        return problems;
    }

    static List<ValidationProblem> group(GroupSpec group, String path) {
        List<ValidationProblem> problems = new ArrayList<>();
        name(group.name(), path + ".name", problems);
        if (group.count() > MAX_COUNT) {
            problems.add(new ValidationProblem(path + ".count", "must be between 0 and " + MAX_COUNT + ", got "
                    + group.count()));
        }
        if (group.restart() != null) {
            restart(group.restart(), path + ".restart", problems);
        }
        if (group.tasks().isEmpty()) {
            problems.add(new ValidationProblem(path + ".tasks", "must have at least one task"));
        }
        Set<String> names = new HashSet<>();
        int leaders = 0;
        for (int i = 0; i < group.tasks().size(); i++) {
            TaskSpec task = group.tasks().get(i);
            String taskPath = path + ".tasks[" + i + "]";
            if (!task.name().isEmpty() && !names.add(task.name())) {
                problems.add(new ValidationProblem(taskPath + ".name", "duplicate task name \"" + task.name() + "\""));
            }
            if (task.leader() && ++leaders == 2) {
                problems.add(new ValidationProblem(taskPath + ".leader", "only one task of a group can be the leader"));
            }
            problems.addAll(task(task, taskPath));
        }
        return problems;
    }

    static List<ValidationProblem> task(TaskSpec task, String path) {
        List<ValidationProblem> problems = new ArrayList<>();
        name(task.name(), path + ".name", problems);
        if (RESERVED_TASK_NAMES.contains(task.name().toLowerCase(Locale.ROOT))) {
            problems.add(new ValidationProblem(path + ".name", "\"" + task.name() + "\" is reserved: it is the name"
                    + " of the allocation's shared directory"));
        }
        if (task.driver().isBlank()) {
            problems.add(new ValidationProblem(path + ".driver", "must not be empty"));
        }
        range(task.cpu(), 1, MAX_CPU, path + ".resources.cpu", problems);
        range(task.memoryMb(), 1, MAX_MEMORY_MB, path + ".resources.memory_mb", problems);
        Set<String> labels = ports(task.ports(), path + ".resources.ports", problems);
        if (task.restart() != null) {
            restart(task.restart(), path + ".restart", problems);
        }
        if (task.killTimeout().isNegative()) {
            problems.add(new ValidationProblem(path + ".kill_timeout", "must not be negative"));
        }
        if (!SIGNAL.matcher(task.killSignal()).matches()) {
            problems.add(new ValidationProblem(path + ".kill_signal", "must be a signal name like SIGTERM, got \""
                    + task.killSignal() + "\""));
        }
        for (int i = 0; i < task.services().size(); i++) {
            service(task.services().get(i), labels, path + ".services[" + i + "]", problems);
        }
        return problems;
    }

    private static void name(String name, String path, List<ValidationProblem> problems) {
        if (name.isBlank()) {
            problems.add(new ValidationProblem(path, "must not be empty"));
        } else if (!TaskId.isSafe(name)) {
            problems.add(new ValidationProblem(path, "must be 1-128 letters, digits, '_', '.' or '-' starting with a"
                    + " letter or digit, got \"" + name + "\""));
        }
    }

    private static void range(long value, long min, long max, String path, List<ValidationProblem> problems) {
        if (value < min || value > max) {
            problems.add(new ValidationProblem(path, "must be between " + min + " and " + max + ", got " + value));
        }
    }

    private static void restart(RestartPolicy r, String path, List<ValidationProblem> problems) {
        if (r.interval().isNegative() || r.interval().isZero() && r.attempts() > 0) {
            problems.add(new ValidationProblem(path + ".interval", "must be longer than 0 when attempts is more than"
                    + " 0, or restarts would never be counted"));
        }
        if (r.delay().isNegative()) {
            problems.add(new ValidationProblem(path + ".delay", "must not be negative"));
        }
        if (r.jitter().isNegative()) {
            problems.add(new ValidationProblem(path + ".jitter", "must not be negative"));
        }
    }

    /** The ports' labels; problems for bad labels and for labels or static ports used twice. */
    private static Set<String> ports(List<PortSpec> ports, String path, List<ValidationProblem> problems) {
        Set<String> labels = new TreeSet<>();
        Set<Integer> statics = new HashSet<>();
        for (PortSpec p : ports) {
            String portPath = path + "." + p.label();
            if (!PORT_LABEL.matcher(p.label()).matches()) {
                problems.add(new ValidationProblem(portPath, "port label must be 1-64 letters, digits, '_' or '-'"));
            } else if (!labels.add(p.label())) {
                problems.add(new ValidationProblem(portPath, "port label \"" + p.label() + "\" is used twice"));
            }
            if (!p.isDynamic() && !statics.add(p.staticPort())) {
                problems.add(new ValidationProblem(portPath + ".static", "port " + p.staticPort() + " is used twice"));
            }
        }
        return labels;
    }

    private static void service(ServiceSpec s, Set<String> labels, String path, List<ValidationProblem> problems) {
        if (s.name().isBlank()) {
            problems.add(new ValidationProblem(path + ".name", "must not be empty"));
        }
        if (s.portLabel() != null && !labels.contains(s.portLabel())) {
            problems.add(new ValidationProblem(path + ".port", "no port labelled \"" + s.portLabel()
                    + "\" in resources.ports (labels: " + labels + ")"));
        }
        for (int i = 0; i < s.checks().size(); i++) {
            check(s, s.checks().get(i), labels, path + ".checks[" + i + "]", problems);
        }
    }

    private static void check(ServiceSpec s, CheckSpec c, Set<String> labels, String path,
            List<ValidationProblem> problems) {
        if (c.portLabel() != null && !labels.contains(c.portLabel())) {
            problems.add(new ValidationProblem(path + ".port", "no port labelled \"" + c.portLabel()
                    + "\" in resources.ports (labels: " + labels + ")"));
        } else if (c.type() != CheckType.SCRIPT && c.portLabel() == null && s.portLabel() == null) {
            problems.add(new ValidationProblem(path + ".port", "is required when the service has no port"));
        }
        positive(c.interval(), path + ".interval", problems);
        positive(c.timeout(), path + ".timeout", problems);
        if (c.type() == CheckType.HTTP && (c.path() == null || c.path().isBlank())) {
            problems.add(new ValidationProblem(path + ".path", "is required for an http check"));
        }
        if (c.protocol() != null && !c.protocol().equals("http") && !c.protocol().equals("https")) {
            problems.add(new ValidationProblem(path + ".protocol", "must be \"http\" or \"https\", got \""
                    + c.protocol() + "\""));
        }
        if (c.type() == CheckType.SCRIPT && (c.command().isEmpty() || c.command().get(0).isBlank())) {
            problems.add(new ValidationProblem(path + ".command", "is required for a script check"));
        }
        if (c.initialStatus() != null && !INITIAL_STATUSES.contains(c.initialStatus())) {
            problems.add(new ValidationProblem(path + ".initial_status", "must be passing, warning or critical, got \""
                    + c.initialStatus() + "\""));
        }
    }

    private static void positive(Duration d, String path, List<ValidationProblem> problems) {
        if (d.isZero() || d.isNegative()) {
            problems.add(new ValidationProblem(path, "must be longer than 0"));
        }
    }
}
