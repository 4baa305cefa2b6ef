package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.exec.internal.process.IsolatedEntry;
import dev.taskdrivers.exec.internal.process.Isolation;
import dev.taskdrivers.exec.internal.process.LaunchSpec;
import dev.taskdrivers.exec.internal.process.SetupStep;
import dev.taskdrivers.exec.internal.process.TaskUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the command line that runs a task isolated. The supervisor's forked child first moves itself into the
 * task's cgroup ({@link dev.taskdrivers.exec.internal.process.LaunchSpec#joiningCgroups}), so everything after it starts
 * inside and nothing escapes the limits. Then, in order, each step {@code exec}s the next:
 * <ol>
 * <li>{@code unshare} creates the mount, uts, ipc and pid namespaces and a fresh {@code /proc} for the chroot;</li>
 * <li>{@code tini} becomes pid 1 there: a task as pid 1 would ignore SIGTERM, tini forwards it; it runs first so
 * that signals and exec reach the task as soon as start returns;</li>
 * <li>a shell mounts the chroot with one {@code mount -a} (inside the new mount namespace only), sets the hostname
 * and reports the task ready on descriptor 3, which it then closes;</li>
 * <li>the {@linkplain TaskEntry task entry} enters the root and the working directory, drops the capabilities the
 * task does not keep, becomes the task's user and runs the task's command.</li>
 * </ol>
 * Start returns at the ready report, so the task entry runs while the caller goes on.
 *
 * @param tools host programs
 * @param cgroupProcsFiles the {@code cgroup.procs} files to join
 * @param layout the chroot
 * @param pidMode private or host pid namespace
 * @param ipcMode private or host ipc namespace
 * @param hostname the task's hostname
 * @param user who the task runs as
 * @param fstabFile a host file holding {@link ChrootLayout#fstab()}
 * @param signalReset an {@code env} run as {@code env --default-signal} in front of the task entry, after the
 *        ready report (see {@link dev.taskdrivers.exec.internal.process.SupervisedLauncher#signalReset()}); empty for none
 * @param entry the task entry
 * @param workDir the working directory inside the chroot, of the task and of commands executed in it
 * @param capabilities the capabilities the task keeps in its bounding set
 */
public record IsolationCommand(
        IsolationTools tools,
        List<Path> cgroupProcsFiles,
        ChrootLayout layout,
        NamespaceMode pidMode,
        NamespaceMode ipcMode,
        String hostname,
        TaskUser user,
        Path fstabFile,
        Optional<Path> signalReset,
        TaskEntry entry,
        String workDir,
        java.util.Set<String> capabilities) {

    /** Exit code of the setup steps when they fail, before the task's command ran. */
    public static final int SETUP_FAILED = 125;

    /**
     * The argv that runs {@code command} isolated, once the process running it is in the task's cgroup; it reports
     * ready on descriptor 3 (see {@link dev.taskdrivers.exec.internal.process.LaunchSpec#reportingReady}).
     */
    public List<String> argv(List<String> command) {
        List<String> argv = new ArrayList<>();
        argv.add(tools.unshare().toString());
        argv.add("--mount");
        argv.add("--uts");
        if (ipcMode == NamespaceMode.PRIVATE) {
            argv.add("--ipc");
        }
        if (pidMode == NamespaceMode.PRIVATE) {
            argv.add("--pid");
            argv.add("--fork");
            argv.add("--kill-child");
            argv.add("--mount-proc=" + layout.root().resolve("proc"));
        }
        argv.add("--");
        argv.add(tools.tini().toString());
        argv.add("-s");
        argv.add("-g");
        argv.add("-p");
        argv.add("SIGKILL");
        argv.add("--");
        argv.add(tools.sh().toString());
        argv.add("-c");
        argv.add(setupScript());
        argv.add("setup-chroot");
        argv.addAll(command);
        return argv;
    }

    /**
     * The argv of a task the fork server isolates ({@link #isolation}): the server's child has already made the
     * namespaces and mounts, joined the cgroups, entered the chroot and working directory, dropped the capabilities
     * the task does not keep, switched to the task's user and set {@code no_new_privs} ({@link IsolatedEntry}); it
     * executes {@code tini} (opened outside the chroot), pid 1 of the task's pid namespace, which forwards signals to
     * the task's process group, reaps, and runs {@code command} looked up in the task's {@code PATH} inside the
     * chroot. No {@code -p}: tini's parent is the long-lived fork server, whose end must not end the task.
     */
    public List<String> forkServerArgv(List<String> command) {
        List<String> argv = new ArrayList<>(List.of(tools.initForForkServer().toString(), "-s", "-g", "--"));
        argv.addAll(command);
        return argv;
    }

    /**
     * What the fork server sets up before {@link #forkServerArgv} runs: the chroot's template (once per driver), the
     * namespaces, {@code hostSteps} (mounts made on the host, see {@link SetupStep#filesystemOnHost}) and the task's
     * mounts before it answers, {@code cgroupCreation} after, then the {@linkplain IsolatedEntry entry} into the task.
     */
    public Isolation isolation(List<SetupStep> hostSteps, List<SetupStep> cgroupCreation, Duration setupTimeout) {
        List<SetupStep> steps = new ArrayList<>(hostSteps);
        steps.addAll(layout.taskSteps());
        return new Isolation(
                ipcMode == NamespaceMode.PRIVATE,
                pidMode == NamespaceMode.PRIVATE,
                hostname,
                layout.templateSteps(),
                steps,
                cgroupCreation,
                true,
                setupTimeout,
                new IsolatedEntry(
                        layout.root().toString(),
                        workDir,
                        user,
                        capabilities.stream()
                                .map(LinuxCapabilities::number)
                                .sorted()
                                .toList()));
    }

    /**
     * The command that runs {@code command} inside the running task whose namespaces {@code pid} holds: in the
     * task's cgroup, namespaces and chroot, in its working directory, as the task's user with its capabilities.
     */
    public List<String> execArgv(long pid, List<String> command) {
        List<String> argv = new ArrayList<>(joinCgroup(tools, cgroupProcsFiles));
        // --net: the network namespace of a bridge group's task (else the host's, where the command runs anyway)
        argv.addAll(List.of(tools.nsenter().toString(), "--target", Long.toString(pid), "--mount", "--uts", "--net"));
        if (ipcMode == NamespaceMode.PRIVATE) {
            argv.add("--ipc");
        }
        if (pidMode == NamespaceMode.PRIVATE) {
            argv.add("--pid");
        }
        argv.add("--");
        argv.addAll(entry.argv(layout.root(), workDir, user, capabilities, command));
        return argv;
    }

    /** A prefix that puts itself into the cgroup, then execs the rest of the arguments. */
    static List<String> joinCgroup(IsolationTools tools, List<Path> cgroupProcsFiles) {
        return List.of(tools.sh().toString(), "-c", joinCgroupScript(cgroupProcsFiles), "join-cgroup");
    }

    private static String joinCgroupScript(List<Path> cgroupProcsFiles) {
        StringBuilder sh = new StringBuilder();
        for (Path procs : cgroupProcsFiles) {
            sh.append("echo $$ > ")
                    .append(ShellQuote.quote(procs.toString()))
                    .append(" || { echo 'cannot join cgroup ")
                    .append(procs.toString().replace("'", ""))
                    .append("' >&2; exit ")
                    .append(SETUP_FAILED)
                    .append("; }\n");
        }
        sh.append("exec \"$@\"\n");
        return sh.toString();
    }

    /**
     * Mounts the chroot, names the host, reports ready, then runs the task entry; arguments are the
     * command. Programs are called by absolute path and nothing is forked but {@code mount}: this is on the path
     * start waits for.
     */
    String setupScript() {
        String fail = " || { echo 'task setup failed' >&2; exit " + SETUP_FAILED + "; }\n";
        StringBuilder sh = new StringBuilder();
        sh.append(ShellQuote.quote(tools.mount().toString()))
                .append(" -a --fstab ")
                .append(ShellQuote.quote(fstabFile.toString()))
                .append(fail);
        if (pidMode == NamespaceMode.HOST) {
            sh.append(ShellQuote.quote(tools.mount().toString()))
                    .append(" -t proc proc ")
                    .append(ShellQuote.quote(layout.root().resolve("proc").toString()))
                    .append(fail);
        }
        sh.append("printf %s ")
                .append(ShellQuote.quote(hostname))
                .append(" > /proc/sys/kernel/hostname")
                .append(fail);
        sh.append("echo ").append(LaunchSpec.READY).append(" >&3").append(fail);
        sh.append("exec 3>&- ");
        signalReset.ifPresent(env -> sh.append(ShellQuote.quote(env.toString())).append(" --default-signal "));
        List<String> entryArgv = entry.argv(layout.root(), workDir, user, capabilities, List.of());
        for (String arg : entryArgv) {
            sh.append(ShellQuote.quote(arg)).append(' ');
        }
        sh.append("\"$@\"\n");
        return sh.toString();
    }
}
