package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs last (see junit-platform.properties): the suite must leave no container of ours behind. */
@Tag("real")
@Order(Integer.MAX_VALUE)
class NoLeftoversTest {

    @Test
    void noContainerWithOurLabelIsLeft() {
        DockerTestEnv.requireEngine();
        try (DockerDriver driver = DockerTestEnv.driver(Map.of())) {
            assertThat(DockerTestEnv.ourContainers(driver.client()))
                    .extracting(c -> String.join(",", c.getNames()))
                    .isEmpty();
            assertThat(DockerTestEnv.imagePresent(driver.client(), DockerTestEnv.REGISTRY_IMAGE))
                    .isFalse();
        }
    }
}
