package dev.taskdrivers.consul;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.api.ValidationProblem;
import dev.taskdrivers.consul.internal.ServiceIds;
import dev.taskdrivers.consul.internal.ServiceValidation;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Turns service specs into the services and checks wanted in Consul: IDs, resolved addresses, check targets. */
final class ServiceTranslator {
    private final ServiceIds ids;

    ServiceTranslator(ServiceIds ids) {
        this.ids = ids;
    }

    /** A task's services; a {@link ValidationException} lists every problem. */
    List<WantedService> task(TaskServices task) {
        return translate(
                (name, label) -> ids.taskService(task.taskId(), name, label),
                task.services(),
                task.hostIp(),
                task.ports(),
                task.network(),
                task.portTo(),
                task.handle(),
                true);
    }

    /** The embedding process's own services. */
    List<WantedService> agent(AgentServices agent) {
        return translate(
                (name, label) -> ids.agentService(agent.agentName(), name, label),
                agent.services(),
                agent.hostIp(),
                agent.ports(),
                Optional.empty(),
                Map.of(),
                null,
                false);
    }

    private List<WantedService> translate(
            BinaryOperator<String> idOf,
            List<ServiceSpec> services,
            String hostIp,
            List<Port> ports,
            Optional<DriverNetwork> network,
            Map<String, Integer> portTo,
            @Nullable TaskHandle handle,
            boolean canExec) {
        Set<String> labels = ports.stream().map(Port::label).collect(Collectors.toSet());
        List<ValidationProblem> problems =
                new ArrayList<>(ServiceValidation.validate(services, labels, canExec && handle != null));
        List<WantedService> result = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            ServiceSpec s = services.get(i);
            String field = "services[" + i + "]";
            String id = idOf.apply(s.name(), s.portLabel());
            Endpoint.Resolved at =
                    Endpoint.resolve(s.addressMode(), s.address(), s.portLabel(), hostIp, ports, network, portTo);
            String unresolved = at.problem();
            if (unresolved != null) {
                problems.add(new ValidationProblem(field + ".address_mode", unresolved));
                continue;
            }
            List<WantedCheck> checks = new ArrayList<>();
            for (int j = 0; j < s.checks().size(); j++) {
                CheckSpec c = s.checks().get(j);
                String checkField = field + ".checks[" + j + "]";
                Optional<WantedCheck> check =
                        check(id, s, c, hostIp, ports, network, portTo, handle, checkField, problems);
                check.ifPresent(checks::add);
            }
            Endpoint e = at.found();
            // with no port, leave the address to the agent unless the driver's, the allocation's or a custom address
            // was asked for
            String address = s.portLabel() == null
                            && s.addressMode() != AddressMode.DRIVER
                            && s.addressMode() != AddressMode.ALLOC
                            && s.address() == null
                    ? null
                    : e.ip();
            result.add(new WantedService(id, s.name(), s.tags(), address, e.port(), s.meta(), checks));
        }
        ValidationException.throwIfAny(problems);
        return result;
    }

    private Optional<WantedCheck> check(
            String serviceId,
            ServiceSpec s,
            CheckSpec c,
            String hostIp,
            List<Port> ports,
            Optional<DriverNetwork> network,
            Map<String, Integer> portTo,
            @Nullable TaskHandle handle,
            String field,
            List<ValidationProblem> problems) {
        String target = null;
        if (c.type() != CheckType.SCRIPT) {
            AddressMode mode = c.addressMode() != null ? c.addressMode() : s.addressMode();
            String label = c.portLabel() != null ? c.portLabel() : s.portLabel();
            if (label == null) {
                return Optional.empty(); // reported by ServiceValidation
            }
            // as in Nomad, a check without its own address mode probes the service's custom address
            String custom = c.addressMode() == null ? s.address() : null;
            Endpoint.Resolved at = Endpoint.resolve(mode, custom, label, hostIp, ports, network, portTo);
            if (at.problem() != null) {
                problems.add(
                        new ValidationProblem(field + ".address_mode", at.problem() + " (check \"" + c.name() + "\")"));
                return Optional.empty();
            }
            target = switch (c.type()) {
                case HTTP ->
                    (c.protocol() == null ? "http" : c.protocol()) + "://"
                            + at.found().hostPort() + (c.path() == null ? "/" : c.path());
                case TCP -> at.found().hostPort();
                case GRPC ->
                    at.found().hostPort()
                            + (c.grpcService() == null || c.grpcService().isEmpty() ? "" : "/" + c.grpcService());
                case SCRIPT -> throw new IllegalStateException("unreachable");
            };
        }
        String method =
                c.type() == CheckType.HTTP && c.method() != null && !c.method().equals("GET") ? c.method() : null;
        var headers = c.type() == CheckType.HTTP ? c.headers() : java.util.Map.<String, List<String>>of();
        WantedCheck unidentified = new WantedCheck(
                "",
                c.name(),
                c.type(),
                target,
                method,
                headers,
                c.tlsSkipVerify(),
                c.grpcUseTls(),
                c.interval(),
                c.timeout(),
                c.initialStatus(),
                c.command(),
                c.type() == CheckType.SCRIPT ? handle : null);
        return Optional.of(unidentified.identifiedBy(ids, serviceId));
    }
}
