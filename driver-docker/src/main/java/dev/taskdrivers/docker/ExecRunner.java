package dev.taskdrivers.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.taskdrivers.api.ExecRequest;
import dev.taskdrivers.api.ExecResult;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a command in a running container through the engine's exec API, with a timeout and capped output. */
final class ExecRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExecRunner.class);

    private final DockerClient docker;
    private final boolean engineIsLocal;

    /** @param engineIsLocal whether the engine runs on this host, so a timed-out command can be killed by pid */
    ExecRunner(DockerClient docker, boolean engineIsLocal) {
        this.docker = docker;
        this.engineIsLocal = engineIsLocal;
    }

    ExecResult run(String containerId, ExecRequest request) {
        String action = "exec in container " + containerId;
        String execId;
        try {
            execId = docker.execCreateCmd(containerId)
                    .withCmd(request.argv().toArray(String[]::new))
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec()
                    .getId();
        } catch (RuntimeException e) {
            throw EngineErrors.translate(action, e);
        }
        CappedOutput stdout = new CappedOutput(request.outputLimitBytes());
        CappedOutput stderr = new CappedOutput(request.outputLimitBytes());
        ResultCallback.Adapter<Frame> callback = new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).write(frame.getPayload());
            }
        };
        boolean finished;
        try {
            docker.execStartCmd(execId).exec(callback);
            finished = callback.awaitCompletion(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        } catch (RuntimeException e) {
            throw EngineErrors.translate(action, e);
        }
        if (!finished) {
            killTimedOut(execId);
            closeQuietly(callback);
            return ExecResult.timedOut(stdout.text(), stderr.text()).toBuilder()
                    .truncated(stdout.truncated() || stderr.truncated())
                    .build();
        }
        int exitCode;
        try {
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            exitCode = code == null ? -1 : code.intValue();
        } catch (RuntimeException e) {
            throw EngineErrors.translate(action, e);
        }
        return ExecResult.completed(exitCode, stdout.text(), stderr.text()).toBuilder()
                .truncated(stdout.truncated() || stderr.truncated())
                .build();
    }

    /** The engine has no API to end an exec; on a local engine the process is killed by its host pid. */
    private void killTimedOut(String execId) {
        if (!engineIsLocal) {
            return;
        }
        try {
            InspectExecResponse inspect = docker.inspectExecCmd(execId).exec();
            Long pid = inspect.getPidLong();
            if (pid != null && pid > 0 && Boolean.TRUE.equals(inspect.isRunning())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (RuntimeException e) {
            LOG.debug("could not kill timed-out exec {}: {}", execId, EngineErrors.reason(e));
        }
    }

    private static void closeQuietly(ResultCallback.Adapter<Frame> callback) {
        try {
            callback.close();
        } catch (IOException e) {
            LOG.debug("closing exec stream: {}", e.toString());
        }
    }
}
