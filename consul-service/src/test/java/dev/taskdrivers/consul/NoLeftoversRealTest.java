package dev.taskdrivers.consul;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Runs last (see junit-platform.properties): no service or check of any test is left in the agent. */
@Tag("real")
@Order(Integer.MAX_VALUE)
class NoLeftoversRealTest {

    @Test
    void noServiceOrCheckOfOursIsLeft() {
        TestAgent.require();
        assertThat(TestAgent.services().keySet())
                .noneMatch(id ->
                        id.startsWith(TestAgent.TEST_PREFIX) || id.startsWith(ConsulOptions.DEFAULT_ID_PREFIX + "-"));
        assertThat(TestAgent.checks().keySet())
                .noneMatch(id ->
                        id.startsWith(TestAgent.TEST_PREFIX) || id.startsWith(ConsulOptions.DEFAULT_ID_PREFIX + "-"));
    }
}
