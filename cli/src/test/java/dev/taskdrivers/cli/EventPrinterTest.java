package dev.taskdrivers.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.TaskEventType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventPrinterTest {
    private static final TaskId A = new TaskId("a1", "job", "g", 0, "alpha");
    private static final TaskId B = new TaskId("a1", "job", "g", 0, "beta");

    private static TaskEvent at(Instant time, TaskEventType type) {
        return new TaskEvent(type, time, type.displayName(), Map.of());
    }

    @Test
    void eventsThatArriveOutOfOrderArePrintedInTimestampOrder() throws Exception {
        StringWriter text = new StringWriter();
        Instant t0 = Instant.now();
        try (EventPrinter printer = new EventPrinter(new PrintWriter(text))) {
            // as two runner threads can deliver them: later-stamped events first
            printer.onEvent(B, at(t0.plusMillis(3), TaskEventType.STARTED));
            printer.onEvent(A, at(t0.plusMillis(2), TaskEventType.TASK_SETUP));
            printer.onEvent(B, at(t0.plusMillis(1), TaskEventType.RECEIVED));
            printer.onEvent(A, at(t0, TaskEventType.RECEIVED));
            printer.flush();
        }

        List<String> lines = text.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("alpha").contains("Received");
        assertThat(lines.get(1)).contains("beta").contains("Received");
        assertThat(lines.get(2)).contains("alpha").contains("Task Setup");
        assertThat(lines.get(3)).contains("beta").contains("Started");
    }

    @Test
    void aCallerNeverWaitsForASlowTerminal() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Writer stuck = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        EventPrinter printer = new EventPrinter(new PrintWriter(stuck));
        try {
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                printer.onEvent(A, at(Instant.now().minusSeconds(1), TaskEventType.STARTED));
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        } finally {
            release.countDown();
            printer.close();
        }
    }
}
