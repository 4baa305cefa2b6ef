package dev.taskdrivers.runner.internal;

import dev.taskdrivers.api.TaskDirs;
import dev.taskdrivers.runner.TaskEventType;
import dev.taskdrivers.runner.internal.interpolation.TaskInterpolation;
import dev.taskdrivers.runner.internal.template.TemplateRenderer;
import dev.taskdrivers.runner.internal.template.TemplateRenderer.Outcome;
import dev.taskdrivers.runner.internal.template.TemplateWait;
import dev.taskdrivers.runner.spec.TaskSpec;
import dev.taskdrivers.runner.spec.TemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A task's templates: rendered before the task starts (which waits, with an event naming what is missing, until
 * every one is complete), rendered again when what they read changes (after their {@code wait}, or the runner's
 * default one; see {@link TemplateWait}), and each change
 * applied to the running task by its change mode after a random part of its splay.
 */
final class TaskTemplates {
    /** Whether the task may start. */
    enum Readiness {
        READY,
        WAITING,
        FAILED
    }

    /** What a change does to the task; each call finds out itself whether the task is running. */
    interface Actions {
        void restart(String reason);

        void signal(String signal);

        void script(TemplateSpec.ChangeScript script);
    }

    private final RunnerContext ctx;
    private final TaskEvents events;
    private final TaskDirs dirs;
    private final Actions actions;
    private final List<TemplateSpec> specs;
    private final TaskInterpolation interpolation;

    // guarded by this
    private final List<TemplateRenderer> renderers = new ArrayList<>();
    private Map<String, String> env = Map.of();
    private boolean started;
    /** Set under this and read by {@link #changed} without it. */
    private volatile boolean closed;
    /** Every template rendered completely once: from here on a change is applied to the task. */
    private boolean firstRenderDone;

    private @Nullable Runnable waitingStart;
    private @Nullable Set<String> reportedMissing;
    private boolean restartPending;
    private final Set<String> signalsPending = new HashSet<>();

    /**
     * Guards the renders that changes queued: a change is noted at once, not after the render under way (which holds
     * this), so the one thread telling every template of a change never waits for one.
     */
    private final Object queued = new Object();

    // guarded by queued
    private final Map<TemplateRenderer, Pending> pendingRenders = new LinkedHashMap<>();
    /** Templates to render in the pass already queued. */
    private final Set<TemplateRenderer> dirty = new java.util.LinkedHashSet<>();

    TaskTemplates(
            RunnerContext ctx,
            TaskSpec spec,
            TaskDirs dirs,
            TaskEvents events,
            Actions actions,
            TaskInterpolation interpolation) {
        this.ctx = ctx;
        this.interpolation = interpolation;
        this.events = events;
        this.dirs = dirs;
        this.actions = actions;
        this.specs = spec.templates();
    }

    boolean any() {
        return !specs.isEmpty();
    }

    /**
     * Renders every template the first time, with the task's environment for {@code env}. READY when all are
     * complete; WAITING when one waits for data ({@code retry} runs once they are, or on {@link #wake}); FAILED when
     * one fails (the event says why).
     */
    Readiness ready(Map<String, String> taskEnv, Runnable retry) {
        if (specs.isEmpty()) {
            return Readiness.READY;
        }
        synchronized (this) {
            env = Map.copyOf(taskEnv);
            if (firstRenderDone) {
                return Readiness.READY;
            }
            if (closed) {
                return Readiness.READY; // the task is being stopped: launch() sees that
            }
            waitingStart = retry;
            start(false);
            Readiness r = renderAll();
            if (r != Readiness.WAITING) {
                waitingStart = null;
            }
            return r;
        }
    }

    /** Takes over after a runner restart: the files on disk count as rendered, later changes apply as usual. */
    /** Whether the task has no template: nothing to render, no environment needed. */
    boolean isEmpty() {
        return specs.isEmpty();
    }

    synchronized void resume(Map<String, String> taskEnv) {
        if (specs.isEmpty() || closed) {
            return;
        }
        env = Map.copyOf(taskEnv);
        start(true);
        firstRenderDone = true;
        for (TemplateRenderer r : renderers) {
            report(r, r.render());
        }
    }

    /** The environment that the task's {@code env = true} templates add ({@code KEY=value} lines). */
    synchronized Map<String, String> environment() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TemplateRenderer r : renderers) {
            String text = r.text();
            if (r.spec().env() && text != null) {
                out.putAll(EnvFile.parse(text));
            }
        }
        return out;
    }

    /** Lets a start that waits for data go on (the task is being stopped: it then finishes instead). */
    void wake() {
        Runnable retry;
        synchronized (this) {
            retry = waitingStart;
            waitingStart = null;
        }
        if (retry != null) {
            retry.run();
        }
    }

    /** Stops watching and cancels pending renders; the files stay. */
    void close() {
        synchronized (this) {
            closed = true;
            renderers.forEach(TemplateRenderer::close);
        }
        synchronized (queued) {
            pendingRenders.values().forEach(p -> p.future.cancel(false));
            pendingRenders.clear();
        }
    }

    private void start(boolean adopt) {
        if (started) {
            return;
        }
        started = true;
        for (int i = 0; i < specs.size(); i++) {
            TemplateSpec s = specs.get(i);
            // expanded as Nomad does, with the task's environment; the renderer keeps it in the sandbox
            String destination = interpolation.destination(s.destination(), "templates[" + i + "].destination", env);
            TemplateRenderer[] self = new TemplateRenderer[1];
            self[0] = new TemplateRenderer(
                    s,
                    destination,
                    dirs.taskDir(),
                    ctx.templates(),
                    this::envForTemplates,
                    ctx.scheduler(),
                    () -> changed(self[0]));
            if (adopt) {
                self[0].adoptExistingFile();
            }
            renderers.add(self[0]);
        }
    }

    private synchronized Map<String, String> envForTemplates() {
        return env;
    }

    private Readiness renderAll() {
        Set<String> missing = new TreeSet<>();
        for (TemplateRenderer r : renderers) {
            Outcome o = r.render();
            if (o instanceof Outcome.Failed f) {
                events.emit(
                        TaskEventType.TEMPLATE,
                        "Template failed: " + f.message(),
                        Map.of("destination", r.spec().destination()));
                return Readiness.FAILED;
            }
            if (o instanceof Outcome.Missing m) {
                missing.addAll(m.what());
            }
        }
        if (!missing.isEmpty()) {
            if (!missing.equals(reportedMissing)) {
                reportedMissing = missing;
                events.emit(TaskEventType.TEMPLATE, "Missing: " + String.join(", ", missing), Map.of());
            }
            return Readiness.WAITING;
        }
        firstRenderDone = true;
        return Readiness.READY;
    }

    /** A query of {@code r} changed: render it now, or after its wait. Never waits for a render. */
    private void changed(TemplateRenderer r) {
        TemplateWait wait = TemplateWait.of(r.spec(), ctx.templateOptions());
        synchronized (queued) {
            if (closed) {
                return;
            }
            if (wait.none()) {
                // one render pass per task for changes that arrive together, not one pool task per template
                boolean first = dirty.isEmpty();
                dirty.add(r);
                if (first) {
                    ctx.blocking().execute(this::renderDirty);
                }
                return;
            }
            Pending p = pendingRenders.get(r);
            Instant now = Instant.now();
            Instant first = p == null ? now : p.first;
            if (p != null) {
                p.future.cancel(false);
            }
            Duration delay = wait.min();
            Duration left = Duration.between(now, first.plus(wait.max()));
            if (left.compareTo(delay) < 0) {
                delay = left.isNegative() ? Duration.ZERO : left;
            }
            ScheduledFuture<?> f = ctx.scheduler()
                    .schedule(
                            () -> ctx.blocking().execute(() -> renderOne(r)), delay.toMillis(), TimeUnit.MILLISECONDS);
            pendingRenders.put(r, new Pending(first, f));
        }
    }

    private void renderDirty() {
        List<TemplateRenderer> now;
        synchronized (queued) {
            now = List.copyOf(dirty);
            dirty.clear();
        }
        now.forEach(this::renderOne);
    }

    private void renderOne(TemplateRenderer r) {
        Runnable startNow = null;
        synchronized (queued) {
            pendingRenders.remove(r);
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (!firstRenderDone) {
                if (!started || waitingStart == null) {
                    return; // not asked to start yet
                }
                if (renderAll() != Readiness.WAITING) {
                    startNow = waitingStart;
                    waitingStart = null;
                }
            } else {
                report(r, r.render());
            }
        }
        if (startNow != null) {
            startNow.run();
        }
    }

    /** Under the lock: what a render after the first means for the task. */
    private void report(TemplateRenderer r, Outcome o) {
        TemplateSpec s = r.spec();
        if (o instanceof Outcome.Failed f) {
            events.emit(
                    TaskEventType.TEMPLATE, "Template failed: " + f.message(), Map.of("destination", s.destination()));
        } else if (o instanceof Outcome.Missing m) {
            events.emit(
                    TaskEventType.TEMPLATE,
                    "Missing: " + String.join(", ", m.what()),
                    Map.of("destination", s.destination()));
        } else if (o instanceof Outcome.Written) {
            applyChange(s);
        }
    }

    private void applyChange(TemplateSpec s) {
        switch (s.changeMode()) {
            case NOOP ->
                events.emit(TaskEventType.TEMPLATE, "Template re-rendered", Map.of("destination", s.destination()));
            case RESTART -> {
                if (!restartPending) {
                    restartPending = true;
                    afterSplay(s, () -> {
                        synchronized (this) {
                            restartPending = false;
                        }
                        actions.restart("Template with change_mode restart re-rendered");
                    });
                }
            }
            case SIGNAL -> {
                String signal = String.valueOf(s.changeSignal());
                if (signalsPending.add(signal)) {
                    afterSplay(s, () -> {
                        synchronized (this) {
                            signalsPending.remove(signal);
                        }
                        actions.signal(signal);
                    });
                }
            }
            case SCRIPT -> {
                TemplateSpec.ChangeScript script = s.changeScript();
                if (script != null) {
                    afterSplay(s, () -> actions.script(script));
                }
            }
        }
    }

    private void afterSplay(TemplateSpec s, Runnable action) {
        long splay = s.splay().toMillis();
        long delay = splay <= 0 ? 0 : ThreadLocalRandom.current().nextLong(splay + 1);
        Runnable guarded = () -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            action.run();
        };
        if (delay == 0) {
            ctx.blocking().execute(guarded);
        } else {
            ScheduledFuture<?> unused =
                    ctx.scheduler().schedule(() -> ctx.blocking().execute(guarded), delay, TimeUnit.MILLISECONDS);
        }
    }

    private record Pending(Instant first, ScheduledFuture<?> future) {}
}
