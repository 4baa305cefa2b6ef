package dev.taskdrivers.exec.internal.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SupervisedLauncher} starts.
 *
 * <p>Drivers that isolate a task put their wrapper in front of the task's own argv with {@link #withPrefix}, e.g.
 * {@code unshare --pid --fork --mount ... chroot <root>}, move it into cgroups with {@link #joiningCgroups} before
 * anything of the task runs, and with {@link #reportingReady} make the launch wait until the wrapper has set the
 * task up. The task's pid and process group are those of the outermost program.
 *
 * @param argv the program and its arguments, never parsed by a shell
 * @param env the complete environment of the task (nothing is inherited)
 * @param cwd the working directory
 * @param stdout file the task's standard output is appended to
 * @param stderr file the task's standard error is appended to
 * @param stateDir a directory of this task's own, for the supervisor's files
 * @param exitFile where the supervisor records the exit status; its directory may be shared by many tasks
 * @param cgroupProcsFiles {@code cgroup.procs} files the task moves itself into before it executes its argv
 * @param reportsReady whether the task reports, on descriptor 3, that it is set up (see {@link #reportingReady})
 * @param resetsSignals whether the launcher gives every signal its default action back before the argv runs (see {@link #resettingSignalsItself})
 * @param isolation the namespaces and mounts the fork server sets up before the argv runs; null for none (see
 *        {@link #isolatedBy})
 * @param user who the task runs as; null for the launcher's own user (see {@link #runningAs})
 * @param cgroupCreation steps the task takes to create the cgroups it joins, before it joins them; only a
 *        {@link ForkServerLauncher} takes them (see {@link #creatingCgroups})
 */
public record LaunchSpec(
        List<String> argv,
        Map<String, String> env,
        Path cwd,
        Path stdout,
        Path stderr,
        Path stateDir,
        Path exitFile,
        List<Path> cgroupProcsFiles,
        boolean reportsReady,
        boolean resetsSignals,
        @Nullable Isolation isolation,
        @Nullable TaskUser user,
        List<SetupStep> cgroupCreation) {

    /** Names the supervisor uses for its own variables; they cannot be passed to a task. */
    public static final String RESERVED_ENV_PREFIX = "__td_";

    /** What a task writes, as one line on descriptor 3, once it is set up. */
    public static final String READY = "ready";

    public LaunchSpec {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        env = Map.copyOf(env);
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(exitFile, "exitFile");
        cgroupProcsFiles = List.copyOf(cgroupProcsFiles);
        cgroupCreation = List.copyOf(cgroupCreation);
    }

    /** A plain launch: no cgroups, no readiness report. */
    public LaunchSpec(
            List<String> argv,
            Map<String, String> env,
            Path cwd,
            Path stdout,
            Path stderr,
            Path stateDir,
            Path exitFile) {
        this(argv, env, cwd, stdout, stderr, stateDir, exitFile, List.of(), false, true, null, null, List.of());
    }

    /** The same launch with {@code prefix} run first, which must end by executing the rest of the argv. */
    public LaunchSpec withPrefix(List<String> prefix) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return new LaunchSpec(
                all,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                reportsReady,
                resetsSignals,
                isolation,
                user,
                cgroupCreation);
    }

    /**
     * The same launch, with the task moving itself into each of {@code cgroupProcsFiles} (a cgroup's
     * {@code cgroup.procs}) before it executes its argv, so the task and all its children are in those cgroups from
     * their first instruction. The supervisor's forked child does it, so it costs no extra process. A write that
     * fails ends the task with status 125.
     */
    public LaunchSpec joiningCgroups(List<Path> cgroupProcsFiles) {
        List<Path> all = new ArrayList<>(this.cgroupProcsFiles);
        all.addAll(cgroupProcsFiles);
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                all,
                reportsReady,
                resetsSignals,
                isolation,
                user,
                cgroupCreation);
    }

    /**
     * The same launch, with the task creating its cgroups by {@code steps} (directories and writes, such as a
     * cgroup's limits) after the launch returned and before it joins them ({@link #joiningCgroups}), so that their
     * creation is not on the start's path. A step that fails leaves the task outside its cgroups, said in the
     * launcher's log, rather than failing it. Only a {@link ForkServerLauncher} takes it, for a plain launch.
     */
    public LaunchSpec creatingCgroups(List<SetupStep> steps) {
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                reportsReady,
                resetsSignals,
                isolation,
                user,
                steps);
    }

    /**
     * The same launch, with the task given descriptor 3 on which it writes the line {@value #READY} once it is set
     * up, then closes it; {@link SupervisedLauncher#launch} returns only then, and fails when the task ends first.
     * Whatever the task executes after that must not get the descriptor.
     */
    public LaunchSpec reportingReady() {
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                true,
                resetsSignals,
                isolation,
                user,
                cgroupCreation);
    }

    /**
     * The same launch, with the wrapper in front of the argv giving every signal its default action back
     * itself (with {@link SupervisedLauncher#signalReset()}), e.g. after the steps start waits for.
     */
    public LaunchSpec resettingSignalsItself() {
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                reportsReady,
                false,
                isolation,
                user,
                cgroupCreation);
    }

    /**
     * The same launch, isolated by {@code isolation} before the argv runs; only a {@link ForkServerLauncher} takes
     * it. The task joins its cgroups ({@link #joiningCgroups}) after the set-up and before the argv.
     */
    public LaunchSpec isolatedBy(Isolation isolation) {
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                reportsReady,
                resetsSignals,
                java.util.Objects.requireNonNull(isolation, "isolation"),
                user,
                cgroupCreation);
    }

    /**
     * The same launch, run as {@code user}: its log files are opened before the switch (they need not be writable by
     * the user), then the task takes the user's groups, gid and uid and executes its argv. Only a launcher running
     * as root can do that.
     */
    public LaunchSpec runningAs(TaskUser user) {
        return new LaunchSpec(
                argv,
                env,
                cwd,
                stdout,
                stderr,
                stateDir,
                exitFile,
                cgroupProcsFiles,
                reportsReady,
                resetsSignals,
                isolation,
                java.util.Objects.requireNonNull(user, "user"),
                cgroupCreation);
    }
}
