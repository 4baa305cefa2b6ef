package dev.taskdrivers.runner.internal.interpolation;

import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.runner.internal.interpolation.Interpolator.Mode;
import dev.taskdrivers.runner.internal.paths.AllocSandbox;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Interpolates the parts of one task that Nomad interpolates when the task starts: its own {@code env} (first, so
 * the rest can refer to it), its driver {@code config}, and its services and checks (names, tags, meta, check
 * names, paths, headers, script commands, gRPC service). Problems carry the spec's field names
 * ({@code config.args[1]}, {@code services[0].checks[0].path}); in {@code env} a variable without a value is left
 * as written, as Nomad leaves it.
 */
public final class TaskInterpolation {
    private final NodeVariables node;
    private final String jobDatacenter;
    private final @Nullable List<ValidationProblem> nodeProblems;

    public TaskInterpolation(NodeVariables node, String jobDatacenter) {
        this(node, jobDatacenter, null);
    }

    /**
     * @param nodeProblems where strict interpolation reports a node attribute or node meta key this node lacks;
     *     {@code null} to report it with the text's other problems
     */
    public TaskInterpolation(NodeVariables node, String jobDatacenter, @Nullable List<ValidationProblem> nodeProblems) {
        this.node = node;
        this.jobDatacenter = jobDatacenter;
        this.nodeProblems = nodeProblems;
    }

    /**
     * The task's own env values interpolated against {@code environment} (the whole environment the runner built,
     * {@code NOMAD_*} included, with the task's env as written).
     */
    public Map<String, String> env(Map<String, String> taskEnv, Map<String, String> environment) {
        return interpolator(environment).texts(taskEnv, "env", Mode.LENIENT, new ArrayList<>());
    }

    /**
     * Any other text of the task, e.g. an artifact's source or a template's destination, interpolated against the
     * task's {@code environment} (from {@code AllocationRunner.environmentFor}); problems under {@code path}.
     */
    public String text(
            String value, String path, Map<String, String> environment, Mode mode, List<ValidationProblem> problems) {
        return interpolator(environment).text(value, path, mode, problems);
    }

    /**
     * A destination (an artifact's) as the runner writes it, relative to the task directory: a leading
     * {@code ${NOMAD_ALLOC_DIR}}, {@code ${NOMAD_TASK_DIR}} or {@code ${NOMAD_SECRETS_DIR}} becomes the directory's
     * path relative to the task directory (the variables' values are the paths the task sees, {@code /alloc} inside
     * a container, which are not where the runner writes), then the rest is interpolated leniently.
     */
    public String destination(String written, String path, Map<String, String> environment) {
        return interpolator(environment)
                .text(AllocSandbox.withDirsRelative(written), path, Mode.LENIENT, new ArrayList<>());
    }

    /** A tree of maps, lists and texts (e.g. an artifact's options) interpolated like a driver's config. */
    public Object tree(
            Object value, String path, Map<String, String> environment, Mode mode, List<ValidationProblem> problems) {
        return interpolator(environment).tree(value, path, mode, problems);
    }

    /** The driver config with every text interpolated; problems under {@code config...}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> config(
            Map<String, Object> config, Map<String, String> environment, Mode mode, List<ValidationProblem> problems) {
        return (Map<String, Object>) interpolator(environment).tree(config, "config", mode, problems);
    }

    /** The services with their texts interpolated; problems under {@code services[i]...}. */
    public List<ServiceSpec> services(
            List<ServiceSpec> services, Map<String, String> environment, Mode mode, List<ValidationProblem> problems) {
        List<ServiceSpec> out = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            out.add(service(services.get(i), i, environment, mode, problems));
        }
        return out;
    }

    /** The service at {@code index} of its task with its texts interpolated; problems under {@code services[index]}. */
    public ServiceSpec service(
            ServiceSpec service,
            int index,
            Map<String, String> environment,
            Mode mode,
            List<ValidationProblem> problems) {
        String path = "services[" + index + "]";
        try {
            return service(interpolator(environment), service, path, mode, problems);
        } catch (ValidationException e) { // e.g. a name whose variable is empty
            e.problems()
                    .forEach(p -> problems.add(new ValidationProblem(
                            path + "." + p.field(), p.problem() + " once its variables are interpolated")));
            return service;
        }
    }

    private static ServiceSpec service(
            Interpolator in, ServiceSpec s, String path, Mode mode, List<ValidationProblem> problems) {
        ServiceSpec.Builder b = ServiceSpec.builder(in.text(s.name(), path + ".name", mode, problems))
                .addressMode(s.addressMode())
                .provider(s.provider())
                .meta(in.texts(s.meta(), path + ".meta", mode, problems));
        List<String> tags = new ArrayList<>();
        for (int t = 0; t < s.tags().size(); t++) {
            tags.add(in.text(s.tags().get(t), path + ".tags[" + t + "]", mode, problems));
        }
        b.tags(tags);
        if (s.portLabel() != null) {
            b.port(s.portLabel());
        }
        if (s.address() != null) {
            b.address(in.text(s.address(), path + ".address", mode, problems));
        }
        for (int c = 0; c < s.checks().size(); c++) {
            b.check(check(in, s.name(), s.checks().get(c), path + ".checks[" + c + "]", mode, problems));
        }
        return b.build();
    }

    private static CheckSpec.Builder check(
            Interpolator in,
            String serviceName,
            CheckSpec c,
            String path,
            Mode mode,
            List<ValidationProblem> problems) {
        // a check named after its service by default repeats the service name's problems: reported once, there
        // (lenient: the same text, without problems of its own or of the node)
        boolean repeatsService = c.name().contains(serviceName);
        CheckSpec.Builder b =
                c.toBuilder().name(in.text(c.name(), path + ".name", repeatsService ? Mode.LENIENT : mode, problems));
        if (c.path() != null) {
            b.path(in.text(c.path(), path + ".path", mode, problems));
        }
        if (c.grpcService() != null) {
            b.grpcService(in.text(c.grpcService(), path + ".grpc_service", mode, problems));
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        c.headers().forEach((name, values) -> {
            List<String> out = new ArrayList<>();
            for (int v = 0; v < values.size(); v++) {
                out.add(in.text(values.get(v), path + ".header." + name + "[" + v + "]", mode, problems));
            }
            headers.put(name, out);
        });
        headers.forEach(b::header);
        if (!c.command().isEmpty()) {
            List<String> argv = new ArrayList<>();
            argv.add(in.text(c.command().get(0), path + ".command", mode, problems));
            for (int a = 1; a < c.command().size(); a++) {
                argv.add(in.text(c.command().get(a), path + ".args[" + (a - 1) + "]", mode, problems));
            }
            b.command(argv);
        }
        return b;
    }

    private Interpolator interpolator(Map<String, String> environment) {
        return new Interpolator(new Variables(environment, name -> node.get(name, jobDatacenter)), nodeProblems);
    }
}
