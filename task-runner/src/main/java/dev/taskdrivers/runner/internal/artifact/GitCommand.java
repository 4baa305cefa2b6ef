package dev.taskdrivers.runner.internal.artifact;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Runs the {@code git} executable with a clean environment: no system or global configuration, a home of its own, no
 * prompt for credentials, only the protocols it is given, and no hooks. Its output goes to a file beside that home
 * and is shown, scrubbed of URL credentials, when it fails. A run ends at the deadline or when its task is being
 * stopped, killing git and the helpers it started.
 */
final class GitCommand {
    /** The environment variable naming the only transports git may use, for every fetch it starts. */
    static final String ALLOW_PROTOCOL = "GIT_ALLOW_PROTOCOL";

    private static final long POLL_MILLIS = 200;
    private static final int SHOWN_LINES = 4;
    /** scheme://anything@ : user info in any URL git repeats in its messages. */
    private static final Pattern USER_INFO = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^\\s/?#]*@");

    /** Checked between waits while git runs; throws to stop it (a size limit passed). */
    interface Watch {
        void check();
    }

    private final String executable;
    private final Path home;
    private final Map<String, String> env;
    private final long deadline;
    private final BooleanSupplier cancelled;
    private final Watch watch;

    /**
     * @param home a private directory outside the task directory for git's home and its output
     * @param env what git needs beyond the clean base (the allowed protocols, the ssh command)
     * @param deadline {@link System#nanoTime} by which every run must be done
     */
    GitCommand(
            String executable,
            Path home,
            Map<String, String> env,
            long deadline,
            BooleanSupplier cancelled,
            Watch watch) {
        this.executable = executable;
        this.home = home;
        this.env = Map.copyOf(env);
        this.deadline = deadline;
        this.cancelled = cancelled;
        this.watch = watch;
    }

    /** This command with only {@code protocols} (colon-separated, as git reads them) allowed instead. */
    GitCommand withProtocols(String protocols) {
        Map<String, String> changed = new HashMap<>(env);
        changed.put(ALLOW_PROTOCOL, protocols);
        return new GitCommand(executable, home, changed, deadline, cancelled, watch);
    }

    /**
     * Runs {@code git ARGS} in {@code dir}.
     *
     * @param what what the run does, for messages (e.g. {@code git clone})
     * @throws ArtifactFetchException when git is missing, fails, is too slow or its task is being stopped
     */
    void run(Path dir, String what, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of("-c", "core.hooksPath=/dev/null", "-c", "credential.helper=", "-c", "core.askPass="));
        command.addAll(args);
        Path output = Files.createTempFile(home, "output-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(new File("/dev/null"));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(baseEnvironment());
        environment.putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw ArtifactFetchException.recoverable("git is not installed on this host (cannot run \"" + executable
                    + "\": " + e.getMessage() + "); install git to fetch git artifacts");
        }
        try {
            int exit = await(process, what);
            if (exit != 0) {
                String shown = scrub(tail(output));
                String message = what + " failed (exit " + exit + ")" + (shown.isEmpty() ? "" : ": " + shown);
                throw isTransient(shown)
                        ? ArtifactFetchException.transientFailure(message)
                        : ArtifactFetchException.recoverable(message);
            }
        } finally {
            kill(process);
            Files.deleteIfExists(output);
        }
    }

    private int await(Process process, String what) {
        try {
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (cancelled.getAsBoolean()) {
                    throw ArtifactFetchException.recoverable("the task is being stopped");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw ArtifactFetchException.transientFailure(
                            what + " took longer than the read timeout (http_read_timeout)");
                }
                watch.check();
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ArtifactFetchException.recoverable("interrupted");
        }
    }

    /** The environment every run starts from: nothing of the runner's but its PATH and proxy settings. */
    private Map<String, String> baseEnvironment() {
        Map<String, String> base = new HashMap<>();
        String path = System.getenv("PATH");
        base.put("PATH", path == null || path.isEmpty() ? "/usr/local/bin:/usr/bin:/bin" : path);
        for (String proxy : List.of("http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")) {
            String value = System.getenv(proxy);
            if (value != null) {
                base.put(proxy, value);
            }
        }
        base.put("HOME", home.toString());
        base.put("XDG_CONFIG_HOME", home.toString());
        base.put("GIT_CONFIG_NOSYSTEM", "1");
        base.put("GIT_CONFIG_GLOBAL", "/dev/null");
        base.put("GIT_TERMINAL_PROMPT", "0");
        base.put("GIT_ASKPASS", "");
        base.put("SSH_ASKPASS", "");
        base.put("LC_ALL", "C");
        return base;
    }

    /** Removes user info from every URL in {@code text}. */
    static String scrub(String text) {
        return USER_INFO.matcher(text).replaceAll("$1");
    }

    private static boolean isTransient(String output) {
        String lower = output.toLowerCase(Locale.ROOT);
        return lower.contains("could not resolve host")
                || lower.contains("connection refused")
                || lower.contains("timed out")
                || lower.contains("connection reset")
                || lower.contains("early eof")
                || lower.contains("rpc failed")
                || lower.contains("the remote end hung up unexpectedly")
                || lower.contains("temporary failure")
                || lower.matches("(?s).*returned error: (5\\d\\d|429|408).*");
    }

    private static String tail(Path output) throws IOException {
        List<String> lines = new String(Files.readAllBytes(output), StandardCharsets.UTF_8)
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
        return String.join("; ", lines.subList(Math.max(0, lines.size() - SHOWN_LINES), lines.size()));
    }

    private static void kill(Process process) {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
