package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StaleEndpointTest {

    @Test
    void readsEndpointAndNetworkFromTheEnginesMessage() {
        assertThat(StaleEndpoint.parse("endpoint with name web-1a2b already exists in network bridge"))
                .contains(new StaleEndpoint("web-1a2b", "bridge"));
        assertThat(StaleEndpoint.parse("driver failed programming external connectivity: endpoint with name "
                        + "api-9f already exists in network my-net."))
                .contains(new StaleEndpoint("api-9f", "my-net"));
    }

    @Test
    void otherStartFailuresAreNotThisCase() {
        assertThat(StaleEndpoint.parse("OCI runtime create failed: executable file not found"))
                .isEmpty();
        assertThat(StaleEndpoint.parse("Bind for 0.0.0.0:8080 failed: port is already allocated"))
                .isEmpty();
        assertThat(StaleEndpoint.parse(null)).isEmpty();
    }
}
