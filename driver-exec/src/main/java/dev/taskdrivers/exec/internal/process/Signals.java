package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.DriverException;
import dev.taskdrivers.api.ErrorCode;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Linux signal names and numbers, so signals can be named in configs and reported as numbers. */
public final class Signals {
    private static final Map<String, Integer> NUMBERS = new TreeMap<>();

    static {
        String[] names = {
            "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM",
            "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
            "WINCH", "IO", "PWR", "SYS"
        };
        for (int i = 0; i < names.length; i++) {
            NUMBERS.put(names[i], i + 1);
        }
    }

    private Signals() {}

    /** The number of a signal named like {@code SIGTERM} or {@code TERM} (any case); empty when unknown. */
    public static Optional<Integer> number(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.trim().toUpperCase(Locale.ROOT);
        String bare = upper.startsWith("SIG") ? upper.substring(3) : upper;
        return Optional.ofNullable(NUMBERS.get(bare));
    }

    /** The number of a signal, or an {@link IllegalArgumentException} listing the known names. */
    public static int require(String name) {
        return number(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown signal '" + name + "'; known: SIG" + String.join(", SIG", NUMBERS.keySet())));
    }

    /** The number of a signal a task handle was asked to send, or an {@code INVALID_CONFIG} {@link DriverException}. */
    public static int requireForTask(String name) {
        try {
            return require(name);
        } catch (IllegalArgumentException e) {
            throw DriverException.fatal(
                    ErrorCode.INVALID_CONFIG, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
        }
    }

    /** The name {@code SIG<NAME>} of a signal number, or {@code signal <n>}. */
    public static String name(int number) {
        return NUMBERS.entrySet().stream()
                .filter(e -> e.getValue() == number)
                .map(e -> "SIG" + e.getKey())
                .findFirst()
                .orElse("signal " + number);
    }
}
