package dev.taskdrivers.rkt.internal;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The pid of a pod's main process, as the text form of {@code rkt status} prints it ({@code pid=}). */
final class PodPid {
    private static final Pattern PID = Pattern.compile("(?m)^pid=(\\d+)\\s*$");

    private PodPid() {}

    static OptionalLong parse(String statusText) {
        Matcher m = PID.matcher(statusText);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }
}
