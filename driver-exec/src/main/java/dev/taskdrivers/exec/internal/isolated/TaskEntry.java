package dev.taskdrivers.exec.internal.isolated;

import dev.taskdrivers.exec.internal.process.TaskUser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last step before the program of an exec into an isolated task, or of a task a shell supervisor started
 * ({@code taskentry.pl}; the fork server's child takes the same steps itself, see
 * {@link dev.taskdrivers.exec.internal.process.IsolatedEntry}): enters the chroot and the working
 * directory, drops every capability the task does not keep from its bounding set, switches to the task's user and
 * sets {@code no_new_privs}. One program on the host does it all, because after the chroot none of the host's is
 * reachable, and dropping capabilities first would leave it unable to chroot or switch users.
 *
 * @param perl the Perl interpreter
 * @param script the installed {@code taskentry.pl}
 * @param prctl the number of prctl(2) on this architecture; 0 when unknown (then only a task keeping every
 *        capability can start)
 */
public record TaskEntry(Path perl, Path script, int prctl) {
    /** Perl warns on standard error, at every start, of a locale the task names and the host lacks, unless told. */
    static final String PERL_BADLANG = "PERL_BADLANG";
    /** Tells the entry that {@link #PERL_BADLANG} is the driver's, to be removed before the task's program runs. */
    static final String PERL_BADLANG_ADDED = "TASKDRIVERS_PERL_BADLANG_ADDED";

    /**
     * The task's environment for the entry: {@code PERL_BADLANG=0} added when the task sets none (with the marker that
     * has the entry remove it again), so Perl says nothing in the task's log of a locale the host lacks.
     */
    static Map<String, String> environment(Map<String, String> taskEnv) {
        Map<String, String> env = new LinkedHashMap<>(taskEnv);
        if (!env.containsKey(PERL_BADLANG)) {
            env.put(PERL_BADLANG, "0");
            env.put(PERL_BADLANG_ADDED, "1");
        }
        return env;
    }

    /**
     * The argv that runs {@code command} in {@code root} at {@code workDir} as {@code user}, keeping only
     * {@code capabilities} (names as in {@link LinuxCapabilities}).
     */
    List<String> argv(Path root, String workDir, TaskUser user, Set<String> capabilities, List<String> command) {
        List<String> argv = new ArrayList<>(List.of(
                perl.toString(),
                "-t",
                script.toString(),
                Integer.toString(prctl),
                root.toString(),
                workDir,
                Integer.toString(user.uid()),
                Integer.toString(user.gid()),
                user.groupList(),
                capabilities.stream()
                        .map(LinuxCapabilities::number)
                        .sorted()
                        .map(String::valueOf)
                        .collect(Collectors.joining(",")),
                "--"));
        argv.addAll(command);
        return argv;
    }
}
