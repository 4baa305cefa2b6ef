package dev.taskdrivers.consul.internal;

import dev.taskdrivers.api.Capabilities;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.PortReferences;
import dev.taskdrivers.services.ServiceSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a task's service specs before it starts, so mistakes surface as validation errors naming the field instead
 * of as a service that never turns healthy.
 */
public final class ServiceValidation {
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern HTTP_METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Set<String> STATUSES = Set.of("passing", "warning", "critical");

    private ServiceValidation() {}

    /**
     * Every problem of {@code services} for a task with the given port labels run by a driver with the given
     * capabilities. A script check on a driver without exec is a problem naming the check.
     *
     * @param services the task's services
     * @param portLabels the labels of the task's ports
     * @param capabilities the driver's capabilities
     * @return the problems, empty when the services are valid; fields read like {@code services[0].checks[1].path}
     */
    public static List<ValidationProblem> validate(
            List<ServiceSpec> services, Set<String> portLabels, Capabilities capabilities) {
        return validate(services, portLabels, capabilities.exec());
    }

    public static List<ValidationProblem> validate(
            List<ServiceSpec> services, Set<String> portLabels, boolean canExec) {
        List<ValidationProblem> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec s = services.get(i);
            String field = "services[" + i + "]";
            service(s).forEach(p -> problems.add(p.under(field)));
            if (!seen.add(s.name() + "\u0000" + s.portLabel())) {
                problems.add(new ValidationProblem(
                        field,
                        "service \"" + s.name() + "\" with port "
                                + (s.portLabel() == null ? "(none)" : "\"" + s.portLabel() + "\"")
                                + " is declared twice"));
            }
            if (s.portLabel() != null && unknown(s.portLabel(), portLabels)) {
                problems.add(new ValidationProblem(
                        field + ".port",
                        "unknown port label \"" + s.portLabel() + "\"; the task has " + describe(portLabels)));
            }
            for (int j = 0; j < s.checks().size(); j++) {
                taskProblems(s, s.checks().get(j), field + ".checks[" + j + "]", portLabels, canExec, problems);
            }
        }
        return problems;
    }

    /**
     * The problems of one service that need nothing of its task: a name Consul accepts (a DNS label) and checks
     * Consul can run. The registry reports them when a job is validated, before any task starts.
     *
     * @return the problems, fields relative to the service, e.g. {@code name} or {@code checks[0].path}
     */
    public static List<ValidationProblem> service(ServiceSpec s) {
        List<ValidationProblem> problems = new ArrayList<>();
        if (!SERVICE_NAME.matcher(s.name()).matches()) {
            problems.add(new ValidationProblem(
                    "name",
                    "must be letters, digits and '-' (a DNS label, "
                            + "at most 63 characters, not starting or ending with '-'), got \"" + s.name() + "\""));
        }
        for (int j = 0; j < s.checks().size(); j++) {
            checkProblems(s.checks().get(j), "checks[" + j + "]", problems);
        }
        return problems;
    }

    private static void checkProblems(CheckSpec c, String field, List<ValidationProblem> problems) {
        String named = " (check \"" + c.name() + "\")";
        if (c.interval().isZero() || c.interval().isNegative()) {
            problems.add(new ValidationProblem(field + ".interval", "must be longer than zero" + named));
        }
        if (c.timeout().isZero() || c.timeout().isNegative()) {
            problems.add(new ValidationProblem(field + ".timeout", "must be longer than zero" + named));
        }
        if (c.initialStatus() != null && !STATUSES.contains(c.initialStatus())) {
            problems.add(new ValidationProblem(
                    field + ".initial_status",
                    "must be passing, warning or critical, got \"" + c.initialStatus() + "\"" + named));
        }
        if (c.type() == CheckType.SCRIPT && c.command().isEmpty()) {
            problems.add(new ValidationProblem(field + ".command", "is required for a script check" + named));
        }
        if (c.type() == CheckType.HTTP) {
            if (c.path() == null || !c.path().startsWith("/")) {
                problems.add(new ValidationProblem(
                        field + ".path",
                        "must start with '/', got " + (c.path() == null ? "nothing" : "\"" + c.path() + "\"") + named));
            }
            if (c.protocol() != null
                    && !c.protocol().equals("http")
                    && !c.protocol().equals("https")) {
                problems.add(new ValidationProblem(
                        field + ".protocol", "must be http or https, got \"" + c.protocol() + "\"" + named));
            }
            if (c.method() != null && !HTTP_METHOD.matcher(c.method()).matches()) {
                problems.add(new ValidationProblem(
                        field + ".method",
                        "must be an HTTP method such as GET or POST, " + "got \"" + c.method() + "\"" + named));
            }
        }
    }

    /** What a check needs of its task: ports it names and, for a script check, a driver that can exec. */
    private static void taskProblems(
            ServiceSpec service,
            CheckSpec c,
            String field,
            Set<String> portLabels,
            boolean canExec,
            List<ValidationProblem> problems) {
        String named = " (check \"" + c.name() + "\")";
        if (c.type() == CheckType.SCRIPT) {
            if (!canExec) {
                problems.add(new ValidationProblem(
                        field,
                        "script check \"" + c.name()
                                + "\" needs a driver that can exec inside the task; this task's driver cannot"));
            }
            return;
        }
        String label = c.portLabel() != null ? c.portLabel() : service.portLabel();
        if (label == null) {
            problems.add(new ValidationProblem(
                    field + ".port",
                    "a " + c.type().name().toLowerCase(java.util.Locale.ROOT)
                            + " check needs a port: set one on the check or the service" + named));
        } else if (c.portLabel() != null && unknown(c.portLabel(), portLabels)) {
            problems.add(new ValidationProblem(
                    field + ".port",
                    "unknown port label \"" + c.portLabel() + "\"; the task has " + describe(portLabels) + named));
        }
    }

    /** Neither a label of the task's nor, as in Nomad, a port number. */
    private static boolean unknown(String port, Set<String> labels) {
        return !labels.contains(port) && PortReferences.literalPort(port).isEmpty();
    }

    private static String describe(Set<String> labels) {
        return labels.isEmpty() ? "no ports" : "ports " + new java.util.TreeSet<>(labels);
    }
}
