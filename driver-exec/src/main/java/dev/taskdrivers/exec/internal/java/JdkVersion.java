package dev.taskdrivers.exec.internal.java;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a JDK says about itself: the three lines of {@code java -version} (version, runtime, VM) and its vendor, from
 * the {@code java.vendor} property ({@code -XshowSettings:properties}, printed by the same run) or else the
 * {@code IMPLEMENTOR} of the JDK's {@code release} file.
 *
 * @param version e.g. {@code 17.0.15} or {@code 1.8.0_402}
 * @param vendor e.g. {@code Eclipse Adoptium}; {@code unknown} when neither source names one
 * @param runtime the runtime line, e.g. {@code OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)}
 * @param vm the VM line, e.g. {@code OpenJDK 64-Bit Server VM (build 17.0.15+6-Debian-1deb12u1, mixed mode, sharing)}
 */
public record JdkVersion(String version, String vendor, String runtime, String vm) {
    private static final Pattern VERSION_LINE = Pattern.compile("^\\S+ version \"([^\"]+)\".*$");
    private static final Pattern PROPERTY = Pattern.compile("^\\s+([\\w.]+) = (.*)$");
    private static final long PROBE_TIMEOUT_SECONDS = 30;

    /** Runs {@code java -XshowSettings:properties -version} and reads its output and the JDK's release file. */
    public static JdkVersion probe(Jdk jdk) throws IOException {
        Process p = new ProcessBuilder(jdk.java().toString(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(jdk.java() + " -version did not end within " + PROBE_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + jdk.java() + " -version", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(jdk.java() + " -version exited with " + p.exitValue() + ": " + output.strip());
        }
        return parse(output, release(jdk.home()))
                .orElseThrow(() ->
                        new IOException("cannot read the output of " + jdk.java() + " -version: " + output.strip()));
    }

    /**
     * Reads the output of {@code java [-XshowSettings:properties] -version}; lines it does not know (e.g. {@code
     * Picked up JAVA_TOOL_OPTIONS}) are skipped.
     *
     * @param release the JDK's release file as keys and unquoted values, for the vendor when no property names it
     * @return empty when there is no version line
     */
    static Optional<JdkVersion> parse(String output, Map<String, String> release) {
        Map<String, String> properties = new LinkedHashMap<>();
        String version = null;
        String runtime = null;
        String vm = null;
        for (String line : output.lines().toList()) {
            Matcher property = PROPERTY.matcher(line);
            Matcher versionLine = VERSION_LINE.matcher(line);
            if (property.matches()) {
                properties.putIfAbsent(property.group(1), property.group(2).strip());
            } else if (version == null && versionLine.matches()) {
                version = versionLine.group(1);
            } else if (version != null && runtime == null && line.contains("Runtime Environment")) {
                runtime = line.strip();
            } else if (version != null && vm == null && line.contains(" VM ")) {
                vm = line.strip();
            }
        }
        if (version == null) {
            return Optional.empty();
        }
        return Optional.of(new JdkVersion(
                version,
                firstOr("unknown", properties.get("java.vendor"), release.get("IMPLEMENTOR")),
                firstOr("unknown", runtime, properties.get("java.runtime.name")),
                firstOr("unknown", vm, properties.get("java.vm.name"))));
    }

    /** The JDK's {@code release} file ({@code KEY="value"} lines); empty when it has none. */
    static Map<String, String> release(Path home) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(home.resolve("release"), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(
                            line.substring(0, eq).strip(),
                            line.substring(eq + 1).strip().replaceAll("^\"|\"$", ""));
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return values;
    }

    /** The first of the values that is set and not blank, else the fallback. */
    private static String firstOr(String fallback, @Nullable String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return fallback;
    }

    /** The major version: {@code 17} of {@code 17.0.15}, {@code 8} of {@code 1.8.0_402}. */
    public int major() {
        List<String> parts = List.of(version.split("[._+-]"));
        try {
            int first = Integer.parseInt(parts.get(0));
            return first == 1 && parts.size() > 1 ? Integer.parseInt(parts.get(1)) : first;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
