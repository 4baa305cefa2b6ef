package dev.taskdrivers.qemu.internal;

import dev.taskdrivers.api.DriverEvent;
import dev.taskdrivers.api.ExitResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One stop of a VM: how the driver asked it to end, and what its end then means, told as driver events. A VM is
 * not stopped by the task's kill signal, so the runner's own words cannot say what happened to the guest.
 */
final class VmStop {
    /** How the driver asked the VM to end. */
    enum Method {
        /** {@code guest-shutdown} through the guest agent: the guest's own OS shuts down. */
        GUEST_AGENT,
        /** {@code system_powerdown} on the monitor: the guest may shut down cleanly. */
        POWER_BUTTON,
        /** SIGTERM to qemu: it quits at once, the guest is not shut down. */
        QUIT_SIGNAL
    }

    private final Method method;
    private final Duration timeout;
    /** Why the guest agent did not take guest-shutdown, when it was asked first and this stop is the fallback. */
    private final @Nullable String agentRefusal;

    private volatile boolean killed;

    /** @param timeout how long the driver waits for the VM to end before it kills qemu */
    VmStop(Method method, Duration timeout) {
        this(method, timeout, null);
    }

    /** A stop that follows a guest agent that did not take guest-shutdown for {@code agentRefusal}. */
    VmStop(Method method, Duration timeout, @Nullable String agentRefusal) {
        this.method = method;
        this.timeout = timeout;
        this.agentRefusal = agentRefusal;
    }

    Method method() {
        return method;
    }

    /** Records that the timeout passed and qemu was sent SIGKILL. */
    void killed() {
        killed = true;
    }

    /** What the driver did to begin the stop; {@code whyNotButton} when a graceful stop fell back to SIGTERM. */
    DriverEvent begun(@Nullable String whyNotButton) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("stop", stopName());
        details.put("kill_timeout_ms", Long.toString(timeout.toMillis()));
        if (agentRefusal != null) {
            details.put("guest_agent", agentRefusal);
        }
        String agentPrefix =
                agentRefusal == null ? "" : "The guest agent did not take guest-shutdown (" + agentRefusal + "); ";
        String waiting = "; waiting " + format(timeout) + " before killing the VM";
        if (method == Method.GUEST_AGENT) {
            return event("Asked the guest agent to shut down (guest-shutdown)" + waiting, details);
        }
        if (method == Method.POWER_BUTTON) {
            return event(
                    agentPrefix + (agentRefusal == null ? "Pressed" : "pressed")
                            + " the ACPI power button (system_powerdown)" + waiting,
                    details);
        }
        String reason = whyNotButton == null
                ? "graceful_shutdown is off"
                : "the monitor did not take system_powerdown: " + whyNotButton;
        return event(
                agentPrefix + (agentRefusal == null ? "Sent" : "sent") + " SIGTERM to QEMU (" + reason
                        + "); QEMU quits without shutting the guest down",
                details);
    }

    private String stopName() {
        return switch (method) {
            case GUEST_AGENT -> "guest-shutdown";
            case POWER_BUTTON -> "system_powerdown";
            case QUIT_SIGNAL -> "SIGTERM";
        };
    }

    /** How the VM ended after this stop. */
    DriverEvent ended(ExitResult result) {
        boolean cleanExit = result.error() == null && result.exitCode() == 0 && result.signal() == 0;
        if (cleanExit && method == Method.GUEST_AGENT) {
            return event("Guest shut down at the guest agent's request", Map.of("outcome", "agent_shutdown"));
        }
        if (cleanExit && method == Method.POWER_BUTTON) {
            return event("Guest powered off", Map.of("outcome", "powered_off"));
        }
        if (killed && result.signal() == 9) {
            return event(
                    switch (method) {
                        case GUEST_AGENT ->
                            "Guest did not shut down within " + format(timeout)
                                    + " of the guest agent's request; killed QEMU";
                        case POWER_BUTTON -> "Guest did not power off within " + format(timeout) + "; killed QEMU";
                        case QUIT_SIGNAL -> "QEMU did not quit within " + format(timeout) + " of SIGTERM; killed it";
                    },
                    Map.of("outcome", "killed"));
        }
        if (method == Method.QUIT_SIGNAL && result.signal() == 15) {
            return event("QEMU quit on SIGTERM; the guest was not shut down", Map.of("outcome", "quit"));
        }
        return event("VM ended while stopping: " + describe(result), Map.of("outcome", "other"));
    }

    private static String describe(ExitResult result) {
        if (result.error() != null) {
            return result.error();
        }
        return result.signal() != 0
                ? "QEMU was killed by signal " + result.signal()
                : "QEMU exited with status " + result.exitCode();
    }

    private static DriverEvent event(String message, Map<String, String> details) {
        return DriverEvent.of(message, details);
    }

    /** {@code 5s}, or {@code 1500ms} when not whole seconds. */
    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
