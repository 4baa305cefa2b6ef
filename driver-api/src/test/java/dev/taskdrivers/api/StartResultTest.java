package dev.taskdrivers.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StartResultTest {
    private final TaskHandle handle = new IdleHandle();

    @Test
    void factoriesLeaveTheNetworkEmpty() {
        CreatedResources dir = CreatedResources.empty().with("dir", "/tmp/x");

        assertThat(StartResult.of(handle).network()).isEmpty();
        assertThat(StartResult.of(handle).created().isEmpty()).isTrue();
        assertThat(StartResult.of(handle, dir).created()).isEqualTo(dir);
    }

    @Test
    void builderTakesANetworkOrAnOptionalOne() {
        DriverNetwork net = DriverNetwork.builder().ip("10.0.0.2").build();

        StartResult direct = StartResult.builder().handle(handle).network(net).build();
        StartResult optional =
                StartResult.builder().handle(handle).network(Optional.of(net)).build();

        assertThat(direct).isEqualTo(optional).hasSameHashCodeAs(optional);
        assertThat(direct.network()).contains(net);
        assertThat(direct).isNotEqualTo(StartResult.of(handle));
        assertThat(direct.toBuilder().network(Optional.empty()).build()).isEqualTo(StartResult.of(handle));
    }

    @Test
    void buildNamesEveryMissingValue() {
        assertThatThrownBy(() -> StartResult.builder().created(null).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid StartResult: handle: is required; created: is required");
    }

    /** A handle that does nothing; the result types only carry it. */
    private static final class IdleHandle implements TaskHandle {
        @Override
        public HandleState state() {
            return new HandleState("idle", 1, Map.of());
        }

        @Override
        public CompletableFuture<ExitResult> exitFuture() {
            return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<ExitResult> stop(Duration timeout, String signal) {
            return exitFuture();
        }

        @Override
        public void signal(String signal) {}

        @Override
        public ExecResult exec(ExecRequest request) {
            return ExecResult.completed(0, "", "");
        }

        @Override
        public TaskStats stats() {
            return TaskStats.nothingUsed();
        }

        @Override
        public void close() {}
    }
}
