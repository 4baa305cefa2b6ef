package dev.taskdrivers.exec.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link SupervisedLauncher} starts.
 *
 * <p>Drivers that isolate a task put their wrapper in front of the task's own argv with {@link #withPrefix}, e.g.
 * {@code unshare --pid --fork --mount ... chroot <root>}, and move it into cgroups with {@link #joiningCgroups}
 * before anything of the task runs. The task's pid and process group are those of the outermost program.
 *
 * @param argv the program and its arguments, never parsed by a shell
 * @param env the complete environment of the task (nothing is inherited)
 * @param cwd the working directory
 * @param stdout file the task's standard output is appended to
 * @param stderr file the task's standard error is appended to
 * @param stateDir a directory of this task's own, for the supervisor's files
 * @param exitFile where the supervisor records the exit status; its directory may be shared by many tasks
 */
public record LaunchSpec(List<String> argv, Map<String, String> env, Path cwd, Path stdout, Path stderr,
        Path stateDir, Path exitFile) {

    /** Names the supervisor uses for its own variables; they cannot be passed to a task. */
    public static final String RESERVED_ENV_PREFIX = "__td_";

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
    }

    /** The same launch with {@code prefix} run first, which must end by executing the rest of the argv. */
    public LaunchSpec withPrefix(List<String> prefix) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(argv);
        return new LaunchSpec(all, env, cwd, stdout, stderr, stateDir, exitFile);
    }

    /**
     * The same launch, with the task writing its own pid to each of {@code cgroupProcsFiles} (a cgroup's
     * {@code cgroup.procs}) before it executes the rest of the argv, so the task and all its children are in those
     * cgroups from their first instruction. A write that fails ends the task with status 125.
     */
    public LaunchSpec joiningCgroups(List<Path> cgroupProcsFiles) {
        if (cgroupProcsFiles.isEmpty()) {
            return this;
        }
        List<String> prefix = new ArrayList<>(List.of(SupervisedLauncher.SHELL,  "-c",
                "for f do shift; if [ \"$f\" = -- ]; then break; fi; "
                        + "echo $$ > \"$f\" || { echo \"cannot join cgroup $f\" >&2; exit 125; }; done; exec \"$@\"",
                "taskdrivers-join-cgroup"));
        cgroupProcsFiles.forEach(p -> prefix.add(p.toString()));
        prefix.add("--");
        return withPrefix(prefix);
    }
}
