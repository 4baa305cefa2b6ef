package dev.taskdrivers.exec.internal.process;

import java.util.List;
import java.util.Objects;

/**
 * The last step of an isolated launch when the fork server's child takes it itself (see {@link Isolation#entry}):
 * after joining its cgroups it enters {@code root} and {@code workDir}, drops every capability not in
 * {@code capabilities} from its bounding set, takes the groups, gid and uid of {@code user}, sets
 * {@code no_new_privs} and executes the launch's program, opened before the chroot so that it need not be inside it.
 * No program runs for these steps.
 *
 * @param root the directory that becomes the task's {@code /}
 * @param workDir the working directory inside {@code root}
 * @param user who the task runs as
 * @param capabilities the numbers of the capabilities the task keeps in its bounding set
 */
public record IsolatedEntry(String root, String workDir, TaskUser user, List<Integer> capabilities) {
    public IsolatedEntry {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(user, "user");
        capabilities = List.copyOf(capabilities);
        if (root.isEmpty()) {
            throw new IllegalArgumentException("an entry needs a root");
        }
    }
}
