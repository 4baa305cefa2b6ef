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

    private Specs() {
    }

    static TaskId taskId(String task) {
        return new TaskId(UUID.randomUUID().toString(), "job", "group", 0, task);
    }

    static ServiceSpec service(String name, String portLabel, CheckSpec... checks) {
        return new ServiceSpec(name, List.of("t1", "t2"), portLabel, AddressMode.AUTO, Map.of("k", "v"),
                List.of(checks));
    }

    static CheckSpec http(String name, String path, String method, Map<String, List<String>> headers) {
        return new CheckSpec(name, CheckType.HTTP, null, null, "http", path, method, headers, false, null, false,
                List.of(), FAST, Duration.ofSeconds(2), null);
    }

    static CheckSpec tcp(String name) {
        return tcp(name, FAST);
    }

    static CheckSpec tcp(String name, Duration interval) {
        return new CheckSpec(name, CheckType.TCP, null, null, null, null, null, Map.of(), false, null, false,
                List.of(), interval, Duration.ofSeconds(2), null);
    }

    static CheckSpec grpc(String name) {
        return new CheckSpec(name, CheckType.GRPC, null, null, null, null, null, Map.of(), false, "health", false,
                List.of(), FAST, Duration.ofSeconds(2), null);
    }

    static CheckSpec script(String name, Duration timeout, String... argv) {
        return new CheckSpec(name, CheckType.SCRIPT, null, null, null, null, null, Map.of(), false, null, false,
                List.of(argv), FAST, timeout, null);
    }

    static TaskServices task(TaskId id, List<Port> ports, TaskHandle handle, ServiceSpec... services) {
        return new TaskServices(id, List.of(services), "127.0.0.1", ports, Optional.empty(), handle);
    }

    static TaskServices task(TaskId id, List<Port> ports, Optional<DriverNetwork> network, TaskHandle handle,
            ServiceSpec... services) {
        return new TaskServices(id, List.of(services), "127.0.0.1", ports, network, handle);
    }

    static Port port(String label, int value) {
        return new Port(label, value, "127.0.0.1");
    }
}
