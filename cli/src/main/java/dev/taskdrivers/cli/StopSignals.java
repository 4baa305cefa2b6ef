package dev.taskdrivers.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT and SIGTERM into a stop request while {@code run} runs, and gives the signals back when closed.
 *
 * <p>Why handlers on the signals rather than a shutdown hook: by the time a hook runs the JVM has decided to exit
 * with 128 + the signal number (130, 143) and nothing can change that status, so a hook could neither print the
 * summary in order nor exit 1 as a stopped run promises. A handler keeps the JVM running: the command stops the
 * tasks, closes the service registry, prints the summary and returns its exit code like any other run. The handler
 * API is {@code sun.misc.Signal} (module jdk.unsupported, exported by every JDK since 9).
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> NAMES = List.of("INT", "TERM");

    private final CompletableFuture<String> requested = new CompletableFuture<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private StopSignals() {}

    /** Handles SIGINT and SIGTERM from now on (where the JVM allows it). */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            try {
                signals.previous.put(signal, Signal.handle(signal, s -> signals.requested.complete("SIG" + name)));
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal to itself (e.g. -Xrs): it stops the JVM as it would without this class
            }
        }
        return signals;
    }

    /** Completes with the signal's name (e.g. SIGTERM) when the first stop signal arrives. */
    CompletableFuture<String> requested() {
        return requested;
    }

    /** Gives the signals back to the handlers they had before. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
