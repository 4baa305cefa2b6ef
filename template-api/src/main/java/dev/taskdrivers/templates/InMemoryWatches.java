package dev.taskdrivers.templates;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The open watches of a {@link TemplateDataSource} that answers from data it holds in memory: each watch hears its
 * query's result at once, and again after each {@link #refresh()} that finds it changed. Thread-safe.
 */
public final class InMemoryWatches {
    private final Function<TemplateQuery, TemplateQueryResult> reader;
    private final List<Entry> watches = new CopyOnWriteArrayList<>();

    /** Watches whose results {@code reader} gives from the current data. */
    public InMemoryWatches(Function<TemplateQuery, TemplateQueryResult> reader) {
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /** Opens a watch of {@code query}: {@code listener} hears its result now and each later change. */
    public TemplateDataSource.Watch open(TemplateQuery query, TemplateDataSource.Listener listener) {
        Entry e = new Entry(query, listener);
        watches.add(e);
        e.offer(reader.apply(query));
        return () -> {
            if (e.closed.compareAndSet(false, true)) {
                watches.remove(e);
            }
        };
    }

    /** Reads every open watch's query again and tells those whose result changed; call it after each change. */
    public void refresh() {
        for (Entry e : watches) {
            e.offer(reader.apply(e.query));
        }
    }

    /** How many watches are open. */
    public int size() {
        return watches.size();
    }

    /** One watch: reports a value only when it differs from the last one reported. */
    private static final class Entry {
        final TemplateQuery query;
        final TemplateDataSource.Listener listener;
        final AtomicBoolean closed = new AtomicBoolean();
        private @Nullable TemplateQueryResult last;

        Entry(TemplateQuery query, TemplateDataSource.Listener listener) {
            this.query = query;
            this.listener = listener;
        }

        synchronized void offer(TemplateQueryResult value) {
            if (closed.get() || value.equals(last)) {
                return;
            }
            last = value;
            listener.changed(value);
        }
    }
}
