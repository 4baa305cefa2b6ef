package dev.taskdrivers.runner.internal.template;

import dev.taskdrivers.templates.InProcessTemplateData;
import dev.taskdrivers.templates.TemplateDataSource;
import dev.taskdrivers.templates.TemplateQuery;
import dev.taskdrivers.templates.TemplateQueryResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's watches on its {@link TemplateDataSource}, shared by every template of every task: one source watch
 * per distinct query, however many templates read it, kept while at least one does. Each keeps the query's latest
 * value for renders to read, and tells its subscribers when the value changes: one call on the given executor runs
 * them all in turn, so a subscriber must not block (the runner's subscribers only queue a render).
 */
public final class TemplateWatches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TemplateWatches.class);

    private final TemplateDataSource source;
    /** Answers the queries of Nomad's native catalog, which never go to {@link #source}. */
    private final TemplateDataSource nomadCatalog;

    private final Executor notify;
    private final Map<TemplateQuery, Shared> watches = new HashMap<>();
    private boolean closed;

    public TemplateWatches(TemplateDataSource source, Executor notify) {
        this(source, new InProcessTemplateData(), notify);
    }

    /** Watches {@code source}, and {@code nomadCatalog} for the queries of Nomad's native catalog. */
    public TemplateWatches(TemplateDataSource source, TemplateDataSource nomadCatalog, Executor notify) {
        this.source = source;
        this.nomadCatalog = nomadCatalog;
        this.notify = notify;
    }

    /** Tells {@code onChange} of every change of {@code query} until the returned handle is closed. */
    public Subscription subscribe(TemplateQuery query, Runnable onChange) {
        Shared shared;
        boolean created = false;
        synchronized (this) {
            if (closed) {
                return () -> {};
            }
            shared = watches.get(query);
            if (shared == null) {
                shared = new Shared(query);
                watches.put(query, shared);
                created = true;
            }
            shared.subscribers.add(onChange);
        }
        if (created) {
            shared.start();
        }
        Shared s = shared;
        return () -> unsubscribe(s, onChange);
    }

    private void unsubscribe(Shared s, Runnable onChange) {
        boolean last;
        synchronized (this) {
            if (!s.subscribers.remove(onChange) || !s.subscribers.isEmpty()) {
                return;
            }
            last = watches.remove(s.query, s);
        }
        if (last) {
            s.stop();
        }
    }

    /** The latest value of a watched query; {@code null} while none arrived or when nobody watches it. */
    public synchronized @Nullable TemplateQueryResult current(TemplateQuery query) {
        Shared s = watches.get(query);
        return s == null ? null : s.latest;
    }

    /**
     * Why the source does not read a watched query (it threw {@link UnsupportedOperationException} from its
     * {@code watch}); {@code null} when it does, or when nobody watches the query.
     */
    public synchronized @Nullable String unsupported(TemplateQuery query) {
        Shared s = watches.get(query);
        return s == null ? null : s.unsupported;
    }

    /** How many distinct queries are watched. */
    public synchronized int size() {
        return watches.size();
    }

    @Override
    public void close() {
        List<Shared> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(watches.values());
            watches.clear();
        }
        all.forEach(Shared::stop);
    }

    /** A subscription to one query; closing it twice does nothing. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final class Shared implements TemplateDataSource.Listener {
        final TemplateQuery query;
        final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
        volatile @Nullable TemplateQueryResult latest;
        volatile @Nullable String unsupported;
        private TemplateDataSource.@Nullable Watch watch;
        private boolean stopped;
        private @Nullable String lastFailure;

        Shared(TemplateQuery query) {
            this.query = query;
        }

        void start() {
            TemplateDataSource.Watch w;
            TemplateDataSource answering = query.kind().nomadCatalog() ? nomadCatalog : source;
            try {
                w = answering.watch(query, this);
            } catch (UnsupportedOperationException e) {
                unsupported = unsupportedReason(answering, e);
                return;
            } catch (IncompatibleClassChangeError e) {
                // a source compiled against an older template-api, whose switch on the kind has no default branch
                unsupported = unsupportedReason(answering, e);
                return;
            } catch (RuntimeException e) {
                if (e.getClass().getName().equals("java.lang.MatchException")) { // the same, compiled for Java 21+
                    unsupported = unsupportedReason(answering, e);
                    return;
                }
                LOG.warn("cannot watch {}: {}", query.describe(), e.toString());
                return;
            }
            boolean stopNow;
            synchronized (this) {
                stopNow = stopped;
                watch = w;
            }
            if (stopNow) {
                w.close();
            }
        }

        private String unsupportedReason(TemplateDataSource answering, Throwable e) {
            String why = e.getMessage();
            return "the template data source " + answering.getClass().getName() + " does not read " + query.describe()
                    + (why == null || why.isBlank() ? "" : ": " + why);
        }

        void stop() {
            TemplateDataSource.Watch w;
            synchronized (this) {
                stopped = true;
                w = watch;
                watch = null;
            }
            if (w != null) {
                w.close();
            }
        }

        @Override
        public void changed(TemplateQueryResult result) {
            if (result.equals(latest)) {
                return;
            }
            latest = result;
            lastFailure = null;
            try {
                // one hand-off for a thousand templates, not one each: each would wake a thread of the pool
                notify.execute(this::tellSubscribers);
            } catch (RejectedExecutionException e) {
                // the runner is closing
            }
        }

        private void tellSubscribers() {
            for (Runnable r : subscribers) {
                try {
                    r.run();
                } catch (RejectedExecutionException e) {
                    return; // the runner is closing
                } catch (RuntimeException e) {
                    LOG.warn("a subscriber of {} failed: {}", query.describe(), e.toString());
                }
            }
        }

        @Override
        public void failed(String reason) {
            if (!reason.equals(lastFailure)) { // once per distinct reason, not once per retry
                lastFailure = reason;
                LOG.warn("reading {} failed: {}", query.describe(), reason);
            }
        }
    }
}
