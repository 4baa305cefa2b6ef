package dev.taskdrivers.hostprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends signals to a task's process group and to its other processes. The JDK can only signal single processes
 * with TERM or KILL, so this runs {@code kill(1)}; signals are rare next to everything else a task does.
 */
public final class ProcessSignaller {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessSignaller.class);

    private static final int SIGKILL = 9;

    private final Path kill;

    public ProcessSignaller() {
        this.kill = Executables.require("kill");
    }

    /**
     * Sends {@code signal} to the process group led by {@code leader}, if the leader is still running.
     *
     * @return whether the leader was running (and so was signalled)
     */
    public boolean signalGroup(ProcessIdentity leader, int signal) {
        if (!leader.isRunning()) {
            return false;
        }
        run(signal, List.of("-" + leader.pid(), Long.toString(leader.pid())));
        return true;
    }

    /**
     * Kills with SIGKILL everything that belongs to the task led by {@code leader}: its group, its session and its
     * descendants that left both. Processes are matched by pid and start time, so a recycled pid is spared.
     *
     * @return how many processes were killed
     */
    public int killAll(ProcessIdentity leader) {
        List<ProcStat> members = ProcessTable.snapshot().belongingTo(leader);
        if (members.isEmpty()) {
            return 0;
        }
        List<String> targets = new ArrayList<>();
        if (leader.isRunning()) {
            targets.add("-" + leader.pid());
        }
        for (ProcStat p : members) {
            // re-check just before the kill so a pid recycled since the snapshot is left alone
            if (p.identity().isRunning()) {
                targets.add(Long.toString(p.pid()));
            }
        }
        if (!targets.isEmpty()) {
            run(SIGKILL, targets);
        }
        return members.size();
    }

    private void run(int signal, List<String> targets) {
        List<String> command = new ArrayList<>(List.of(kill.toString(), "-s", Integer.toString(signal), "--"));
        command.addAll(targets);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            // a process that ended meanwhile makes kill fail; that is the normal race, not an error
            if (!output.isEmpty()) {
                LOG.debug("kill -s {} {}: {}", signal, targets, output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + kill + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
