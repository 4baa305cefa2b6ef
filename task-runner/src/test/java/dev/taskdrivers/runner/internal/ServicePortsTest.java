package dev.taskdrivers.runner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.DriverNetwork;
import dev.taskdrivers.api.Port;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.services.ServiceAddress;
import dev.taskdrivers.services.AddressMode;
import dev.taskdrivers.services.TaskServices;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A service names a port of the group's network granted to a sibling and is advertised as the port's owner would
 * advertise it: host address and host port, in driver mode the task's driver address with the owner's {@code to}, in
 * alloc mode the allocation's address with that {@code to}.
 */
class ServicePortsTest {
    private static final TaskId ID = new TaskId("a1", "job", "g", 0, "sidecar");
    private static final Port GROUP_HTTP = new Port("http", 24001, "10.0.0.5");
    private static final DriverNetwork BRIDGE =
            DriverNetwork.builder().ip("172.17.0.9").port("admin", 9000).build();

    private static ServiceAddress resolve(AddressMode mode, ServicePorts seen, Optional<DriverNetwork> network) {
        TaskServices task = new TaskServices(
                ID, List.of(), "10.0.0.5", seen.ports(), seen.network(network), null, seen.portTo(network));
        return ServiceAddress.resolve(mode, "http", task);
    }

    @Test
    void aSiblingsGroupPortIsAdvertisedAtItsHostAddressAndPort() {
        ServicePorts seen = ServicePorts.of(List.of(), List.of(new ServicePorts.Shared(GROUP_HTTP, 8080)));

        assertThat(resolve(AddressMode.HOST, seen, Optional.empty())).isEqualTo(new ServiceAddress("10.0.0.5", 24001));
        assertThat(resolve(AddressMode.AUTO, seen, Optional.empty())).isEqualTo(new ServiceAddress("10.0.0.5", 24001));
        assertThat(resolve(AddressMode.HOST, seen, Optional.of(BRIDGE)))
                .isEqualTo(new ServiceAddress("10.0.0.5", 24001));
    }

    @Test
    void inDriverModeItIsTheTasksDriverAddressWithTheOwnersTo() {
        ServicePorts seen = ServicePorts.of(List.of(), List.of(new ServicePorts.Shared(GROUP_HTTP, 8080)));

        assertThat(resolve(AddressMode.DRIVER, seen, Optional.of(BRIDGE)))
                .isEqualTo(new ServiceAddress("172.17.0.9", 8080));
        assertThat(seen.network(Optional.of(BRIDGE)).orElseThrow().portMap())
                .containsEntry("admin", 9000)
                .containsEntry("http", 8080);
        assertThat(seen.network(Optional.empty())).isEmpty();
    }

    @Test
    void aPortOfTheTasksOwnWithTheSameLabelWins() {
        Port own = new Port("http", 25000, "10.0.0.5");
        DriverNetwork mapped = BRIDGE.toBuilder().port("http", 80).build();

        ServicePorts seen = ServicePorts.of(List.of(own), List.of(new ServicePorts.Shared(GROUP_HTTP, 8080)));

        assertThat(seen.ports()).containsExactly(own);
        assertThat(resolve(AddressMode.HOST, seen, Optional.of(mapped)))
                .isEqualTo(new ServiceAddress("10.0.0.5", 25000));
        assertThat(resolve(AddressMode.DRIVER, seen, Optional.of(mapped)))
                .isEqualTo(new ServiceAddress("172.17.0.9", 80));
    }

    @Test
    void inAllocModeItIsTheAllocationsAddressWithTheOwnersToAlsoForATaskWithoutADriverNetwork() {
        ServicePorts seen = ServicePorts.of(List.of(), List.of(new ServicePorts.Shared(GROUP_HTTP, 8080)));

        assertThat(resolve(AddressMode.ALLOC, seen, Optional.empty())).isEqualTo(new ServiceAddress("10.0.0.5", 8080));
        assertThat(resolve(AddressMode.ALLOC, seen, Optional.of(BRIDGE)))
                .isEqualTo(new ServiceAddress("10.0.0.5", 8080));
        assertThat(seen.network(Optional.empty()))
                .as("no driver network is made up")
                .isEmpty();
    }

    @Test
    void inAllocModeASiblingsPortWithoutAToIsItsHostPort() {
        ServicePorts seen = ServicePorts.of(List.of(), List.of(new ServicePorts.Shared(GROUP_HTTP, null)));

        assertThat(resolve(AddressMode.ALLOC, seen, Optional.empty())).isEqualTo(new ServiceAddress("10.0.0.5", 24001));
    }

    @Test
    void inAllocModeThePortMapEntryOfTheTasksOwnPortWins() {
        Port own = new Port("http", 25000, "10.0.0.5");
        DriverNetwork mapped = BRIDGE.toBuilder().port("http", 80).build();

        ServicePorts seen = ServicePorts.of(List.of(own), List.of(new ServicePorts.Shared(GROUP_HTTP, 8080)));

        assertThat(resolve(AddressMode.ALLOC, seen, Optional.of(mapped))).isEqualTo(new ServiceAddress("10.0.0.5", 80));
        assertThat(resolve(AddressMode.ALLOC, seen, Optional.empty())).isEqualTo(new ServiceAddress("10.0.0.5", 25000));
    }
}
