package dev.taskdrivers.consul;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskHandle;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.CheckSpec;
import dev.taskdrivers.services.CheckType;
import dev.taskdrivers.services.ServiceSpec;
import dev.taskdrivers.services.TaskServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Short ways to write service specs in tests. */
final class Specs {
    static final Duration FAST = Duration.ofMillis(500);

    private Specs() {}

    static TaskId taskId(String task) {
        return new TaskId(UUID.randomUUID().toString(), "job", "group", 0, task);
    }

    static ServiceSpec service(String name, String portLabel, CheckSpec... checks) {
        ServiceSpec.Builder service = ServiceSpec.builder(name)
                .tags(List.of("t1", "t2"))
                .addressMode(AddressMode.AUTO)
                .meta(Map.of("k", "v"));
        if (portLabel != null) {
            service.port(portLabel);
        }
        List.of(checks).forEach(service::check);
        return service.build();
    }

    static CheckSpec http(String name, String path, String method, Map<String, List<String>> headers) {
        CheckSpec.Builder check = CheckSpec.http(path).name(name).interval(FAST).timeout(Duration.ofSeconds(2));
        if (method != null) {
            check.method(method);
        }
        headers.forEach(check::header);
        return check.build();
    }

    static CheckSpec tcp(String name) {
        return tcp(name, FAST);
    }

    static CheckSpec tcp(String name, Duration interval) {
        return CheckSpec.tcp()
                .name(name)
                .interval(interval)
                .timeout(Duration.ofSeconds(2))
                .build();
    }

    static CheckSpec grpc(String name) {
        return CheckSpec.grpc()
                .name(name)
                .grpcService("health")
                .interval(FAST)
                .timeout(Duration.ofSeconds(2))
                .build();
    }

    static CheckSpec script(String name, Duration timeout, String... argv) {
        return CheckSpec.builder(CheckType.SCRIPT)
                .name(name)
                .command(List.of(argv))
                .interval(FAST)
                .timeout(timeout)
                .build();
    }

    static TaskServices task(TaskId id, List<Port> ports, TaskHandle handle, ServiceSpec... services) {
        return new TaskServices(id, List.of(services), "127.0.0.1", ports, Optional.empty(), handle);
    }

    static TaskServices task(
            TaskId id, List<Port> ports, Optional<DriverNetwork> network, TaskHandle handle, ServiceSpec... services) {
        return new TaskServices(id, List.of(services), "127.0.0.1", ports, network, handle);
    }

    static Port port(String label, int value) {
        return new Port(label, value, "127.0.0.1");
    }
}
