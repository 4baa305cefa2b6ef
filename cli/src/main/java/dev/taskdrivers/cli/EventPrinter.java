package dev.taskdrivers.cli;

import dev.taskdrivers.api.TaskId;
import dev.taskdrivers.runner.RunnerListener;
import dev.taskdrivers.runner.TaskEvent;
import dev.taskdrivers.runner.services.InProcessServiceRegistry;
import dev.taskdrivers.services.CheckStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * Prints events, service registrations and check changes, one line each, in timestamp order. Events reach it from
 * many threads, and one stamped earlier can arrive a moment later than one stamped after it; so lines are held for a
 * short window and printed oldest first by one printer thread. The callers only queue a line: they never wait for the
 * terminal.
 */
final class EventPrinter implements RunnerListener, InProcessServiceRegistry.Listener, AutoCloseable {
    /** How long a line waits for earlier-stamped lines that are still on their way. */
    static final Duration HOLD = Duration.ofMillis(100);

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final Comparator<Line> OLDEST_FIRST =
            Comparator.comparing(Line::time).thenComparingLong(Line::seq);

    private final PrintWriter out;
    private final Object lock = new Object();
    private final PriorityQueue<Line> pending = new PriorityQueue<>(OLDEST_FIRST);
    private final Thread printer;
    private long seq;
    private int flushes;
    private boolean printing;
    private boolean closed;

    EventPrinter(PrintWriter out) {
        this.out = out;
        this.printer = new Thread(this::printLoop, "taskdrivers-printer");
        this.printer.setDaemon(true);
        this.printer.start();
    }

    @Override
    public void onEvent(TaskId task, TaskEvent event) {
        enqueue(event.time(), who(task), event.type().displayName(), event.message());
    }

    @Override
    public void registered(InProcessServiceRegistry.Registration r) {
        enqueue(
                Instant.now(),
                who(r.task()),
                "Service",
                "registered " + r.name() + " at " + r.ip() + ":" + r.port()
                        + (r.tags().isEmpty() ? "" : " tags " + r.tags()));
    }

    @Override
    public void deregistered(InProcessServiceRegistry.Registration r) {
        enqueue(Instant.now(), who(r.task()), "Service", "deregistered " + r.name());
    }

    @Override
    public void checkChanged(CheckStatus previous, CheckStatus current) {
        enqueue(
                current.updated(),
                who(current.task()),
                "Check",
                "\"" + current.check() + "\" of " + current.service()
                        + ": " + previous.health().displayName() + " -> "
                        + current.health().displayName()
                        + (current.output().isEmpty() ? "" : " (" + current.output() + ")"));
    }

    /** A line about a task that is not an event of it, e.g. its ports, stamped {@code time}. */
    void taskLine(Instant time, TaskId task, String what, String message) {
        enqueue(time, who(task), what, message);
    }

    /** A line of the runner itself, e.g. that it is stopping. */
    void notice(String what, String message) {
        enqueue(Instant.now(), "--", what, message);
    }

    /** Prints every queued line now and returns once they are written. */
    void flush() throws InterruptedException {
        synchronized (lock) {
            flushes++;
            lock.notifyAll();
            try {
                while ((!pending.isEmpty() || printing) && printer.isAlive()) {
                    lock.wait(50);
                }
            } finally {
                flushes--;
            }
        }
    }

    /** Prints what is queued and stops the printer thread. */
    @Override
    public void close() throws InterruptedException {
        flush();
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        printer.join(1000);
    }

    private static String who(TaskId task) {
        return task.allocName() + " " + task.taskName();
    }

    private void enqueue(Instant time, String who, String what, String message) {
        String text = String.format("%s  %-28s %-20s %s", TIME.format(time), who, what, message);
        synchronized (lock) {
            if (!closed) {
                pending.add(new Line(time, seq++, text));
                lock.notifyAll();
                return;
            }
        }
        out.println(text); // the printer thread has ended: a late line is still worth showing
        out.flush();
    }

    private void printLoop() {
        try {
            while (true) {
                List<Line> ready = takeReady();
                if (ready == null) {
                    return;
                }
                for (Line l : ready) {
                    out.println(l.text());
                }
                out.flush();
                synchronized (lock) {
                    printing = false;
                    lock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for lines older than the hold window (or any line when flushing); null once closed and drained. */
    private @Nullable List<Line> takeReady() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                if (pending.isEmpty()) {
                    if (closed) {
                        return null;
                    }
                    lock.wait();
                    continue;
                }
                boolean all = flushes > 0 || closed;
                Instant cutoff = Instant.now().minus(HOLD);
                List<Line> ready = new ArrayList<>();
                while (!pending.isEmpty() && (all || !pending.peek().time().isAfter(cutoff))) {
                    ready.add(pending.poll());
                }
                if (!ready.isEmpty()) {
                    printing = true;
                    return ready;
                }
                long waitMs = Duration.between(cutoff, pending.peek().time()).toMillis();
                lock.wait(Math.max(1, waitMs));
            }
        }
    }

    private record Line(Instant time, long seq, String text) {}
}
