package dev.taskdrivers.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.command.InspectContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventActor;
import dev.taskdrivers.api.ExitResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine handles a container's OOM notice and its exit separately; when the exit comes first, the container's
 * state never says OOMKilled and the {@code oom} event follows the {@code die} event. That order depends on the
 * scheduling inside the engine and cannot be produced on demand, so the watcher is checked against a scripted
 * engine client that delivers the events in that order.
 */
class ContainerWatcherOomTest {
    private static final String ID = "c1";

    private final DockerClient docker = mock(DockerClient.class);
    private final EventsCmd stream = mock(EventsCmd.class, RETURNS_SELF);
    private final EventsCmd logQuery = mock(EventsCmd.class, RETURNS_SELF);
    private final InspectContainerCmd inspect = mock(InspectContainerCmd.class);
    private final ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(2);
    private volatile InspectContainerResponse state;
    private volatile ResultCallback<Event> listener;
    private volatile boolean oomInLog;
    private ContainerWatcher watcher;

    @BeforeEach
    void engine() {
        when(docker.eventsCmd()).thenReturn(stream, logQuery);
        when(stream.exec(any())).thenAnswer(call -> {
            listener = call.getArgument(0);
            return listener;
        });
        when(logQuery.exec(any())).thenAnswer(call -> {
            ResultCallback<Event> query = call.getArgument(0);
            if (oomInLog) {
                query.onNext(event("oom", Map.of()));
            }
            query.onComplete();
            return query;
        });
        when(docker.inspectContainerCmd(ID)).thenReturn(inspect);
        when(inspect.exec()).thenAnswer(call -> state);
        state = running();
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        scheduler.shutdownNow();
    }

    @Test
    void anOomEventAfterTheDieEventMakesTheExitAnOomKill() throws Exception {
        CompletableFuture<ExitResult> exit = watch(Duration.ofSeconds(30));

        state = exited(137, false, 16);
        listener.onNext(event("die", Map.of("exitCode", "137")));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !exit.isDone());
        listener.onNext(event("oom", Map.of()));

        // long before the grace period ends: the event settled it
        ExitResult result = exit.get(5, TimeUnit.SECONDS);
        assertThat(result.oomKilled()).isTrue();
        assertThat(result.exitCode()).isEqualTo(137);
        assertThat(result.successful()).isFalse();
    }

    @Test
    void withoutAnOomEventTheKillIsReportedAfterTheGracePeriod() throws Exception {
        CompletableFuture<ExitResult> exit = watch(Duration.ofMillis(300));

        state = exited(137, false, 16);
        listener.onNext(event("die", Map.of("exitCode", "137")));

        ExitResult result = exit.get(5, TimeUnit.SECONDS);
        assertThat(result.oomKilled()).isFalse();
        assertThat(result.exitCode()).isEqualTo(137);
        verify(logQuery).withContainerFilter(ID);
        verify(logQuery).withEventFilter("oom");
    }

    @Test
    void anOomEventLoggedBeforeTheContainerWasWatchedIsFoundInTheEngineLog() throws Exception {
        oomInLog = true;
        CompletableFuture<ExitResult> exit = watch(Duration.ofMillis(300));

        state = exited(137, false, 16);
        listener.onNext(event("die", Map.of("exitCode", "137")));

        assertThat(exit.get(5, TimeUnit.SECONDS).oomKilled()).isTrue();
    }

    @Test
    void aSigkillSentThroughTheEngineIsReportedAtOnce() throws Exception {
        CompletableFuture<ExitResult> exit = watch(Duration.ofSeconds(30));

        listener.onNext(event("kill", Map.of("signal", "9")));
        state = exited(137, false, 16);
        listener.onNext(event("die", Map.of("exitCode", "137")));

        ExitResult result = exit.get(5, TimeUnit.SECONDS);
        assertThat(result.oomKilled()).isFalse();
        assertThat(result.exitCode()).isEqualTo(137);
        verify(logQuery, never()).exec(any());
    }

    @Test
    void exitsThatCannotBeOomKillsAreReportedAtOnce() throws Exception {
        CompletableFuture<ExitResult> failed = watch(Duration.ofSeconds(30));
        state = exited(1, false, 16);
        listener.onNext(event("die", Map.of("exitCode", "1")));
        assertThat(failed.get(5, TimeUnit.SECONDS)).isEqualTo(ExitResult.exited(1));
        watcher.close();

        // no memory limit: the kernel never OOM-kills inside the container's own cgroup
        CompletableFuture<ExitResult> unlimited = watch(Duration.ofSeconds(30));
        state = exited(137, false, 0);
        listener.onNext(event("die", Map.of("exitCode", "137")));
        assertThat(unlimited.get(5, TimeUnit.SECONDS).oomKilled()).isFalse();
    }

    @Test
    void anOomKillTheStateAlreadyShowsIsReportedAtOnce() throws Exception {
        CompletableFuture<ExitResult> exit = watch(Duration.ofSeconds(30));
        state = exited(137, true, 16);
        listener.onNext(event("die", Map.of("exitCode", "137")));
        assertThat(exit.get(5, TimeUnit.SECONDS).oomKilled()).isTrue();
    }

    private CompletableFuture<ExitResult> watch(Duration grace) {
        listener = null;
        state = running();
        when(docker.eventsCmd()).thenReturn(stream, logQuery);
        watcher = new ContainerWatcher(docker, scheduler, grace);
        CompletableFuture<ExitResult> exit = watcher.watch(ID);
        await().atMost(Duration.ofSeconds(5)).until(() -> listener != null);
        return exit;
    }

    private static Event event(String action, Map<String, String> attributes) {
        return new Event()
                .withAction(action)
                .withId(ID)
                .withEventActor(new EventActor().withId(ID).withAttributes(attributes));
    }

    private static InspectContainerResponse running() {
        return parse("{\"State\":{\"Running\":true,\"Status\":\"running\"},\"HostConfig\":{\"Memory\":16777216}}");
    }

    private static InspectContainerResponse exited(int code, boolean oomKilled, int memoryMb) {
        return parse("{\"State\":{\"Running\":false,\"Status\":\"exited\",\"ExitCode\":" + code + ",\"OOMKilled\":"
                + oomKilled + ",\"StartedAt\":\"2026-01-01T00:00:00.000000000Z\"},\"HostConfig\":{\"Memory\":"
                + memoryMb * 1024L * 1024L + "}}");
    }

    private static InspectContainerResponse parse(String json) {
        try {
            return new ObjectMapper().readValue(json, InspectContainerResponse.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
