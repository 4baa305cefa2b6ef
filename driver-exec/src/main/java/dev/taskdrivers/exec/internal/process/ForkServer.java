package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running fork server ({@code forkserver.pl} in this package): a Perl process that forks and supervises tasks on
 * request, so starting a task costs one fork and one exec instead of a shell and two forks.
 *
 * <p>The server is this JVM's only child for all its tasks: one JDK reaper thread in all, none per task. It leaves
 * this JVM's session at once; requests go down its standard input and replies come back on its standard output.
 * Closing the input (or this JVM dying) lets the server end once its last task has ended; until then it keeps
 * recording exit statuses.
 *
 * <p>Several threads may start tasks at once: each writes its request, then waits for the reply carrying its
 * request's number. No thread of its own reads the replies; whichever waiting caller finds nobody reading reads for
 * all, handing the others their replies. So an isolated task whose set-up is slow holds up no other start.
 */
final class ForkServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ForkServer.class);

    private final Process process;
    private final ProcessIdentity identity;
    private final OutputStream requests;
    private final InputStream replies;
    /** Guards the numbering of requests, the replies read for others and who reads. */
    private final Object replyLock = new Object();
    /** How many requests were written; the server numbers them the same way, from 1. */
    private long sent;
    /** Replies read for a caller that has not taken its own yet, by request number. */
    private final Map<Long, String> arrived = new HashMap<>();

    private boolean someoneReads;
    /** Why no more replies will come, once the server's output ended. */
    private @Nullable String ended;
    /** The template steps the server has built, as far as this side knows. */
    private volatile List<SetupStep> builtTemplate = List.of();

    private ForkServer(Process process) {
        this.process = process;
        this.identity = ProcessIdentity.of((int) process.pid());
        this.requests = process.getOutputStream();
        this.replies = process.getInputStream();
    }

    /** Starts a server running {@code script} with {@code perl}; its own messages are appended to {@code log}. */
    static ForkServer start(Path perl, Path script, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(perl, script))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(Path.of("/").toFile());
        // each task gets exactly its own environment; the server needs none of this JVM's
        builder.environment().clear();
        Process process = builder.start();
        ForkServer server = new ForkServer(process);
        LOG.debug("fork server started as {}", server.identity);
        return server;
    }

    /** The command line of a server: the script and the system call numbers of this machine. */
    static List<String> command(Path perl, Path script) {
        LinuxSyscalls calls = LinuxSyscalls.forThisMachine().orElse(LinuxSyscalls.UNKNOWN);
        return List.of(
                perl.toString(),
                script.toString(),
                Integer.toString(calls.setsid()),
                Integer.toString(calls.unshare()),
                Integer.toString(calls.mount()),
                Integer.toString(calls.setns()),
                Integer.toString(calls.sethostname()),
                Integer.toString(calls.umount2()),
                Integer.toString(calls.rtSigprocmask()),
                Integer.toString(calls.prctl()),
                Integer.toString(calls.execveat()));
    }

    ProcessIdentity identity() {
        return identity;
    }

    /** Whether the server can still take requests. */
    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Starts the task {@code spec} describes and returns its pid right after the fork. A working directory that is
     * not a directory, or a program path that is not an executable file, is refused; a set-up step failing later
     * (a log file, the exec) ends the task with a failed exit status naming it.
     *
     * @throws IOException naming why the task was not started, or when the server is gone
     */
    long start(LaunchSpec spec) throws IOException {
        Isolation isolation = spec.isolation();
        long number;
        synchronized (requests) {
            // the server keeps the template it built; it is sent again only when it changes or a launch failed
            boolean sendTemplate =
                    isolation != null && !isolation.templateSteps().equals(builtTemplate);
            byte[] request = encode(spec, sendTemplate);
            try {
                requests.write(request);
                requests.flush();
            } catch (IOException e) {
                throw new IOException("the fork server " + identity + " is gone (see its log): " + e.getMessage(), e);
            }
            synchronized (replyLock) {
                number = ++sent;
            }
        }
        String reply = awaitReply(number);
        if (reply.startsWith("task ")) {
            try {
                long pid = Long.parseLong(reply.substring("task ".length()).strip());
                if (isolation != null) {
                    builtTemplate = isolation.templateSteps();
                }
                return pid;
            } catch (NumberFormatException e) {
                throw new IOException("unexpected reply from the fork server: " + reply, e);
            }
        }
        builtTemplate = List.of();
        if (reply.startsWith("error ")) {
            throw new IOException(reply.substring("error ".length()));
        }
        throw new IOException("unexpected reply from the fork server: " + reply);
    }

    /**
     * The reply to request {@code number}, without its number. Not interruptible: a caller that left would leave a
     * started task nobody knows of.
     */
    private String awaitReply(long number) throws IOException {
        boolean interrupted = false;
        try {
            synchronized (replyLock) {
                while (true) {
                    String mine = arrived.remove(number);
                    if (mine != null) {
                        return mine;
                    }
                    if (ended != null) {
                        throw new IOException(ended);
                    }
                    if (!someoneReads) {
                        someoneReads = true;
                        break;
                    }
                    try {
                        replyLock.wait();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            return readUntil(number);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads replies, keeping the others' for them, until the one to {@code number}; then lets another read. */
    private String readUntil(long number) throws IOException {
        try {
            while (true) {
                String line = ReplyLines.readLine(replies);
                synchronized (replyLock) {
                    if (line == null) {
                        ended = "the fork server " + identity + " ended (see its log)";
                        throw new IOException(ended);
                    }
                    int space = line.indexOf(' ');
                    long replyTo;
                    try {
                        replyTo = Long.parseLong(space < 0 ? line : line.substring(0, space));
                    } catch (NumberFormatException e) {
                        ended = "unexpected reply from the fork server " + identity + ": " + line;
                        throw new IOException(ended, e);
                    }
                    String text = space < 0 ? "" : line.substring(space + 1);
                    if (replyTo == number) {
                        return text;
                    }
                    arrived.put(replyTo, text);
                    replyLock.notifyAll();
                }
            }
        } finally {
            synchronized (replyLock) {
                someoneReads = false;
                replyLock.notifyAll();
            }
        }
    }

    /** A request: its length, a newline, then NUL-separated fields, as {@code forkserver.pl} documents. */
    static byte[] encode(LaunchSpec spec) throws IOException {
        return encode(spec, true);
    }

    /** The request for {@code spec}, with its isolation's template steps or, when the server has them, none. */
    static byte[] encode(LaunchSpec spec, boolean withTemplate) throws IOException {
        Isolation isolation = spec.isolation();
        List<String> fields = new ArrayList<>(List.of(
                isolation == null ? "run" : "isolate",
                spec.exitFile().toString(),
                spec.stdout().toString(),
                spec.stderr().toString(),
                spec.cwd().toString()));
        if (isolation == null) {
            fields.add(credentials(spec.user()));
            fields.add(Integer.toString(spec.cgroupCreation().size()));
            addSteps(fields, spec.cgroupCreation());
            fields.add(Integer.toString(spec.cgroupProcsFiles().size()));
            spec.cgroupProcsFiles().forEach(f -> fields.add(f.toString()));
        } else {
            fields.addAll(List.of(
                    Long.toString(isolation.unshareFlags()),
                    isolation.newPidNamespace() ? "1" : "0",
                    isolation.hostname(),
                    isolation.leaderReportsSignals() ? "1" : "0",
                    Long.toString(isolation.setupTimeout().toMillis())));
            IsolatedEntry entry = isolation.entry();
            if (entry == null) {
                fields.addAll(List.of("", "", "", ""));
            } else {
                fields.addAll(List.of(
                        entry.root(),
                        entry.workDir(),
                        credentials(entry.user()),
                        entry.capabilities().stream().map(String::valueOf).collect(Collectors.joining(","))));
            }
            List<SetupStep> template = withTemplate ? isolation.templateSteps() : List.of();
            fields.add(Integer.toString(template.size()));
            addSteps(fields, template);
            fields.add(Integer.toString(isolation.steps().size()));
            addSteps(fields, isolation.steps());
            fields.add(Integer.toString(isolation.stepsAfterReady().size()));
            addSteps(fields, isolation.stepsAfterReady());
            fields.add(Integer.toString(spec.cgroupProcsFiles().size()));
            spec.cgroupProcsFiles().forEach(f -> fields.add(f.toString()));
        }
        int firstArg = fields.size() + 1;
        fields.add(Integer.toString(spec.argv().size()));
        fields.addAll(spec.argv());
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
                throw new IOException("environment variable name '" + e.getKey() + "' is empty or contains '='");
            }
            fields.add(e.getKey() + "=" + e.getValue());
        }
        ByteArrayOutputStream payload = new ByteArrayOutputStream(256);
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            if (field.indexOf('\0') >= 0) {
                throw new IOException(
                        "a NUL character cannot be passed to a process: " + describeField(i, firstArg, spec));
            }
            if (i > 0) {
                payload.write(0);
            }
            payload.writeBytes(field.getBytes(StandardCharsets.UTF_8));
        }
        byte[] header = (payload.size() + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream request = new ByteArrayOutputStream(header.length + payload.size());
        request.writeBytes(header);
        payload.writeTo(request);
        return request.toByteArray();
    }

    /** {@code uid:gid:group,group...} of the user a plain task runs as; empty for the server's own. */
    private static String credentials(@Nullable TaskUser user) {
        return user == null ? "" : user.uid() + ":" + user.gid() + ":" + user.groupList();
    }

    private static void addSteps(List<String> fields, List<SetupStep> steps) {
        for (SetupStep step : steps) {
            fields.addAll(List.of(
                    step.op(), step.source(), step.target(), step.fsType(), Long.toString(step.flags()), step.data()));
        }
    }

    /** Names a field without its value, which may be a secret. */
    private static String describeField(int index, int firstArg, LaunchSpec spec) {
        int firstEnv = firstArg + spec.argv().size();
        if (index < 5) {
            return List.of("request kind", "exit file", "stdout", "stderr", "working directory")
                    .get(index);
        }
        if (index < firstArg) {
            return "isolation field " + (index - 5) + " (hostname, entry, set-up step or cgroup)";
        }
        if (index < firstEnv) {
            return "argument " + (index - firstArg);
        }
        return "environment variable " + List.copyOf(spec.env().keySet()).get(index - firstEnv);
    }

    /** Closes the request pipe: the server ends once its last task has ended. */
    @Override
    public void close() {
        try {
            synchronized (requests) {
                requests.close();
            }
        } catch (IOException e) {
            LOG.debug("closing the fork server's requests: {}", e.toString());
        }
    }
}
