package dev.taskdrivers.exec.internal.cgroup;

import dev.taskdrivers.exec.internal.process.SetupStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes that make a v1 cpuset cgroup usable: a new cpuset cgroup has no cpus and no memory nodes, and no
 * process may join it until both are set, so each level from the hierarchy's root down gets its parent's unless it
 * has its own already; the task's own level gets its reserved cores when it has some.
 */
final class CpusetSteps {
    private CpusetSteps() {}

    static List<SetupStep> of(Path mount, Path taskDir, String reservedCpus) {
        List<SetupStep> steps = new ArrayList<>();
        String cpus = value(mount, "cpuset.cpus", "");
        String mems = value(mount, "cpuset.mems", "");
        Path current = mount;
        for (Path name : mount.relativize(taskDir)) {
            current = current.resolve(name.toString());
            boolean task = current.equals(taskDir);
            String ownCpus = value(current, "cpuset.cpus", cpus);
            String ownMems = value(current, "cpuset.mems", mems);
            steps.add(SetupStep.write(current.resolve("cpuset.mems").toString(), ownMems));
            steps.add(SetupStep.write(
                    current.resolve("cpuset.cpus").toString(),
                    task && !reservedCpus.isEmpty() ? reservedCpus : ownCpus));
            cpus = ownCpus;
            mems = ownMems;
        }
        return steps;
    }

    /** The file's value when it exists and is set, else {@code inherited}. */
    private static String value(Path dir, String file, String inherited) {
        Path path = dir.resolve(file);
        if (!Files.exists(path)) {
            return inherited;
        }
        String value = CgroupFiles.read(path).trim();
        return value.isEmpty() ? inherited : value;
    }
}
