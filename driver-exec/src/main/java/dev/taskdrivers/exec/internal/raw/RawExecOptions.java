package dev.taskdrivers.exec.internal.raw;

import dev.taskdrivers.api.ConfigReader;
import dev.taskdrivers.exec.internal.cgroup.CgroupParent;
import dev.taskdrivers.exec.internal.process.ForkServerLauncher;
import java.util.Map;

/**
 * The operator's options of the raw_exec driver.
 *
 * @param enabled whether tasks may run (raw_exec runs them without any isolation, as the runner's user unless they
 *        name another {@code user}, which needs a runner running as root)
 * @param forkServer whether tasks start through one fork server per driver (needs Perl); false, or no Perl, gives
 *        each task a shell supervisor: slower to start, and exit codes 129-192 read as signals
 * @param deniedEnvVars environment variables no task gets
 * @param cgroupParent the cgroup below which each task gets its own (where the runner can make cgroups)
 */
public record RawExecOptions(boolean enabled, boolean forkServer, DeniedEnvVars deniedEnvVars, String cgroupParent) {

    /** The options without denied environment variables, with the default cgroup parent. */
    public RawExecOptions(boolean enabled, boolean forkServer) {
        this(enabled, forkServer, DeniedEnvVars.NONE);
    }

    /** The options with the default cgroup parent. */
    public RawExecOptions(boolean enabled, boolean forkServer, DeniedEnvVars deniedEnvVars) {
        this(enabled, forkServer, deniedEnvVars, CgroupParent.DEFAULT);
    }

    /** Reads the options; unknown options and wrong types are a {@code ValidationException}. */
    /** Whether tasks start through the fork server: wanted and Perl found. */
    boolean usesForkServer() {
        return forkServer && ForkServerLauncher.findPerl().isPresent();
    }

    public static RawExecOptions read(Map<String, Object> options) {
        ConfigReader reader = new ConfigReader(options, "raw_exec");
        boolean enabled = reader.bool("enabled", true);
        boolean forkServer = reader.bool("fork_server", true);
        DeniedEnvVars denied = DeniedEnvVars.read(reader);
        String cgroupParent = CgroupParent.read(reader);
        reader.throwIfInvalid();
        return new RawExecOptions(enabled, forkServer, denied, cgroupParent);
    }
}
