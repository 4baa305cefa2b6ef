package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.api.ValidationException;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetchException;
import dev.taskdrivers.runner.internal.artifact.ArtifactFetcher;
import dev.taskdrivers.runner.internal.artifact.ArtifactMarkers;
import dev.taskdrivers.runner.internal.artifact.ArtifactSource;
import dev.taskdrivers.runner.spec.ArtifactSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A task's artifacts: fetched in order once its directory exists and before its driver's prestart, each only once
 * per allocation (a restart or a recovered runner finds the marker and skips it). Emits Downloading Artifacts when
 * something is to be fetched and Failed Artifact Download when a fetch fails.
 */
final class TaskArtifacts {
    private final ArtifactFetcher fetcher;
    private final List<ArtifactSpec> artifacts;
    private final TaskDirs dirs;
    private final ArtifactMarkers markers;
    private final TaskEvents events;

    TaskArtifacts(
            ArtifactFetcher fetcher, List<ArtifactSpec> artifacts, TaskDirs dirs, String taskName, TaskEvents events) {
        this.fetcher = fetcher;
        this.artifacts = artifacts;
        this.dirs = dirs;
        // the allocation's own directory, parent of the alloc dir and of the task's directory
        this.markers = new ArtifactMarkers(
                Objects.requireNonNull(dirs.allocDir().getParent(), "the alloc dir has a parent"), taskName);
        this.events = events;
    }

    /**
     * Fetches the artifacts not fetched yet.
     *
     * @throws ArtifactFetchException after the Failed Artifact Download event
     */
    void fetch(UnaryOperator<ArtifactSpec> interpolation, BooleanSupplier cancelled) {
        if (artifacts.isEmpty()) {
            return;
        }
        List<Integer> indexes = new ArrayList<>();
        List<ArtifactSpec> pending = new ArrayList<>();
        for (int i = 0; i < artifacts.size(); i++) {
            // expanded before the marker's digest is taken: a changed expansion is fetched again
            ArtifactSpec resolved;
            try {
                resolved = interpolation.apply(artifacts.get(i));
            } catch (ValidationException e) { // e.g. a destination that leaves the allocation once expanded
                String field = "artifacts[" + i + "]";
                ArtifactFetchException refused = ArtifactFetchException.permanent("once interpolated: "
                        + e.problems().stream()
                                .map(p -> p.under(field).toString())
                                .collect(Collectors.joining("; ")));
                failed(i, artifacts.get(i), refused);
                throw refused;
            }
            if (!markers.fetched(resolved)) {
                indexes.add(i);
                pending.add(resolved);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        events.emit(
                TaskEventType.DOWNLOADING_ARTIFACTS,
                "Client is downloading artifacts",
                Map.of("count", Integer.toString(pending.size())));
        for (int i = 0; i < pending.size(); i++) {
            ArtifactSpec artifact = pending.get(i);
            try {
                fetcher.fetch(artifact, dirs.taskDir(), cancelled);
                markers.record(artifact);
            } catch (ArtifactFetchException e) {
                failed(indexes.get(i), artifact, e);
                throw e;
            } catch (IOException e) {
                ArtifactFetchException wrapped =
                        ArtifactFetchException.recoverable("cannot record the fetched artifact: " + e);
                failed(indexes.get(i), artifact, wrapped);
                throw wrapped;
            }
        }
    }

    private void failed(int index, ArtifactSpec artifact, ArtifactFetchException e) {
        events.emit(
                TaskEventType.FAILED_ARTIFACT_DOWNLOAD,
                "failed to download artifact \"" + ArtifactSource.display(artifact.source()) + "\": " + e.getMessage(),
                Map.of("artifact", "artifacts[" + index + "]", "recoverable", Boolean.toString(e.isRecoverable())));
    }
}
