package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DriverNetworkTest {

    @Test
    void portsAddedOneByOneEqualAPortMap() {
        DriverNetwork oneByOne = DriverNetwork.builder()
                .ip("172.17.0.2")
                .port("http", 80)
                .port("admin", 9000)
                .build();
        DriverNetwork fromMap = DriverNetwork.builder()
                .ip("172.17.0.2")
                .portMap(Map.of("http", 80, "admin", 9000))
                .build();

        assertThat(oneByOne).isEqualTo(fromMap).hasSameHashCodeAs(fromMap);
        assertThat(oneByOne.autoAdvertise()).isFalse();
        assertThat(oneByOne)
                .isNotEqualTo(oneByOne.toBuilder().autoAdvertise(true).build());
        assertThat(oneByOne.toString()).contains("ip=172.17.0.2", "admin=9000", "http=80");
    }

    @Test
    void buildNamesEveryBrokenInvariantAtOnce() {
        assertThatThrownBy(() ->
                        DriverNetwork.builder().port("http", 0).port(" ", 80).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ip: is required")
                .hasMessageContaining("portMap.http: must be a port 1-65535, was 0")
                .hasMessageContaining("portMap: labels must not be blank");
    }
}
