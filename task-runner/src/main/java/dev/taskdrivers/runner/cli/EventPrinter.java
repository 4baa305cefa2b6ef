package dev.taskdrivers.runner.cli;

import dev.taskdrivers.api.TaskEvent;
import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Prints events and service registrations as they happen, one line each. */
final class EventPrinter implements RunnerListener, InProcessServiceRegistry.Listener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final PrintWriter out;

    EventPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void onEvent(TaskId task, TaskEvent event) {
        line(TIME.format(event.time()), task.allocName() + " " + task.taskName(), event.type().displayName(),
                event.message());
    }

    @Override
    public void registered(InProcessServiceRegistry.Registration r) {
        line(TIME.format(java.time.Instant.now()), r.task().allocName() + " " + r.task().taskName(),
                "Service", "registered " + r.name() + " at " + r.ip() + ":" + r.port()
                        + (r.tags().isEmpty() ? "" : " tags " + r.tags()));
    }

    @Override
    public void deregistered(InProcessServiceRegistry.Registration r) {
        line(TIME.format(java.time.Instant.now()), r.task().allocName() + " " + r.task().taskName(),
                "Service", "deregistered " + r.name());
    }

    void line(String time, String who, String what, String message) {
        synchronized (out) {
            out.printf("%s  %-28s %-20s %s%n", time, who, what, message);
            out.flush();
        }
    }
}
