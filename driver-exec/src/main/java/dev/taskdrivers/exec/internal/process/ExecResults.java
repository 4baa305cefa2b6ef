package dev.taskdrivers.exec.internal.process;

import dev.taskdrivers.api.ExecResult;
import dev.taskdrivers.hostprocess.CommandResult;

/** What a command run into a task did, as the driver API reports it. */
public final class ExecResults {
    private ExecResults() {}

    public static ExecResult of(CommandResult r) {
        return ExecResult.builder()
                .exitCode(r.exitCode())
                .stdout(r.stdout())
                .stderr(r.stderr())
                .timedOut(r.timedOut())
                .truncated(r.truncated())
                .build();
    }
}
