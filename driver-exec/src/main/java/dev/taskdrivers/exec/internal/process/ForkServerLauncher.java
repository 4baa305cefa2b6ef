package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.hostprocess.Executables;
import dev.taskdrivers.hostprocess.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts plain tasks through one long-lived {@linkplain ForkServer fork server} per launcher, started on first use
 * and replaced when it is gone. The server records each task's exit status precisely ({@code exited 150} is an exit
 * code, never a signal) and keeps doing so after this JVM is gone.
 *
 * <p>Plain launches (which join their cgroups, if any, before switching to their user), and launches
 * {@linkplain LaunchSpec#isolatedBy isolated} by the server itself (which then join their cgroups after the set-up). A spec reporting readiness on a descriptor needs {@link SupervisedLauncher}.
 */
public final class ForkServerLauncher implements TaskLauncher {
    /** Where Perl is looked for; perl-base is an essential package on Debian and Ubuntu. */
    public static final String PERL = "perl";

    private static final Logger LOG = LoggerFactory.getLogger(ForkServerLauncher.class);
    static final String SERVER_LOG = "forkserver.log";

    private final Path perl;
    private final Path script;
    private final Path log;
    private @Nullable ForkServer server;

    /**
     * @param perl the Perl interpreter
     * @param binDir where the server's script is installed (once per content version)
     * @param logDir where the server appends its own messages
     * @throws IOException when the script cannot be installed
     */
    public ForkServerLauncher(Path perl, Path binDir, Path logDir) throws IOException {
        this.perl = perl;
        this.script = SupervisorScript.installForkServer(binDir);
        Directories.ensure(logDir);
        this.log = logDir.toAbsolutePath().resolve(SERVER_LOG);
    }

    /** The Perl interpreter on the default search path, if any. */
    public static Optional<Path> findPerl() {
        return Executables.resolve(PERL, Executables.DEFAULT_PATH, null);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns right after the fork, as a spawn by this JVM would; an isolated launch returns once the server's
     * child has set up its namespaces and mounts, and fails with the step that failed (nothing is left of it then). A working directory that is not a directory or
     * a program path that is not an executable file is an {@link IOException} naming it, and nothing starts; a
     * set-up step failing later (a log file that cannot be opened, an exec the kernel refuses) ends the task with a
     * failed exit status naming the reason. {@code timeout} is not needed: the server answers without waiting for
     * the task.
     */
    @Override
    public SupervisedTask launch(LaunchSpec spec, Duration timeout) throws IOException {
        if (spec.reportsReady()) {
            throw new IllegalArgumentException("the fork server never waits for a readiness report");
        }
        if (!spec.cgroupCreation().isEmpty() && spec.isolation() != null) {
            throw new IllegalArgumentException("an isolated task creates its cgroups in its isolation's steps");
        }
        if (spec.user() != null && spec.isolation() != null) {
            throw new IllegalArgumentException("an isolated task's argv switches its user itself, inside the chroot");
        }
        // the server keeps no files of a task's own: its state dir is made only when something needs it (an exec)
        for (Path dir : List.of(
                spec.exitFile().getParent(),
                spec.stdout().getParent(),
                spec.stderr().getParent())) {
            Directories.ensure(dir);
        }
        ForkServer current = server();
        long pid = current.start(spec);
        SupervisedTask task =
                new SupervisedTask(spec.stateDir(), spec.exitFile(), ProcessIdentity.of(pid), current.identity());
        LOG.debug("started {} under fork server {}", task.task(), task.supervisor());
        return task;
    }

    /** The running server, started now when there is none or the last one is gone. */
    synchronized ForkServer server() throws IOException {
        if (server == null || !server.isAlive()) {
            if (server != null) {
                LOG.warn("fork server {} is gone (see {}); starting a new one", server.identity(), log);
                server.close();
            }
            if (!Files.isExecutable(perl)) {
                throw new IOException(perl + " is not an executable file");
            }
            server = ForkServer.start(perl, script, log);
        }
        return server;
    }

    /** Lets the server end once its last task has ended; the next launch starts a new one. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
