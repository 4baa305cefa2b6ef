package dev.taskdrivers.rkt.internal;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code rkt version} reports.
 *
 * @param rkt the rkt version, e.g. {@code 1.30.0}
 * @param appc the appc spec version, or empty
 */
record RktVersion(String rkt, String appc) {
    static final String MINIMUM = "1.27.0";
    private static final Pattern RKT = Pattern.compile("(?m)^rkt [Vv]ersion:\\s*v?(\\d+\\.\\d+\\.\\d+)");
    private static final Pattern APPC = Pattern.compile("(?m)^appc [Vv]ersion:\\s*(\\S+)");

    static Optional<RktVersion> parse(String output) {
        Matcher m = RKT.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        Matcher a = APPC.matcher(output);
        return Optional.of(new RktVersion(m.group(1), a.find() ? a.group(1) : ""));
    }

    boolean atLeast(String minimum) {
        String[] have = rkt.split("\\.");
        String[] want = minimum.split("\\.");
        for (int i = 0; i < 3; i++) {
            int cmp = Integer.compare(Integer.parseInt(have[i]), Integer.parseInt(want[i]));
            if (cmp != 0) {
                return cmp > 0;
            }
        }
        return true;
    }
}
