package dev.taskdrivers.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.DriverEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TaskEventTest {

    @Test
    void aDriversEventBecomesADriverTaskEventWithItsTimeMessageAndDetails() {
        DriverEvent emitted = DriverEvent.builder()
                .message("Pressed the ACPI power button")
                .detail("stop", "system_powerdown")
                .time(Instant.ofEpochSecond(42))
                .build();

        TaskEvent event = TaskEvent.fromDriver(emitted);

        assertThat(event.type()).isEqualTo(TaskEventType.DRIVER);
        assertThat(event.type().displayName()).isEqualTo("Driver");
        assertThat(event.time()).isEqualTo(Instant.ofEpochSecond(42));
        assertThat(event.message()).isEqualTo("Pressed the ACPI power button");
        assertThat(event.details()).containsExactlyEntriesOf(emitted.details());
    }
}
