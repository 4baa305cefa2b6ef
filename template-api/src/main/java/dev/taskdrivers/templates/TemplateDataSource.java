package dev.taskdrivers.templates;

/**
 * Where templates read keys and services, the way consul-template reads Consul: each query is watched, and the
 * source reports its first value and then every change, like a blocking query that returns when the data's index
 * moves. The runner watches each distinct {@link TemplateQuery} once, however many templates (of however many tasks)
 * read it, and closes the watch when the last of them is gone.
 *
 * <p>Implementations: {@link InProcessTemplateData} (tests, and nodes without Consul) and {@code
 * dev.taskdrivers.consul.ConsulTemplateData} in {@code consul-service}. They must be thread-safe; listeners may be
 * called on any thread, but never twice at once for one watch. Queries of Nomad's native catalog
 * ({@link TemplateQuery.Kind#nomadCatalog()}) are answered by the runner itself and never reach a source.
 *
 * <p>New {@link TemplateQuery.Kind kinds} of query may be added in any release, as template functions that read new
 * data are added. A source must answer a kind it does not read, including one added after it was written, by throwing
 * {@link UnsupportedOperationException} from {@link #watch}: the runner then fails the templates that read it with a
 * template error naming the query and the source. So switch on {@link TemplateQuery#kind()} with a {@code default}
 * branch that throws it; a switch without one would fail in other ways, or (as a switch statement) leave the template
 * waiting for a value that never comes.
 */
public interface TemplateDataSource extends AutoCloseable {
    /**
     * Starts watching {@code query}. The listener gets the current value as soon as it is known, then each value
     * that differs from the last. While the source cannot reach its data, the listener hears nothing (the last value
     * stays in force) or {@link Listener#failed} with the reason.
     *
     * @return closes this watch; closing twice does nothing
     * @throws UnsupportedOperationException when this source does not read queries of {@code query}'s kind (say why in
     *     the message); the runner reports it as a template error instead of waiting for a value
     */
    Watch watch(TemplateQuery query, Listener listener);

    /** Stops every watch. */
    @Override
    default void close() {}

    /** Receives a watched query's values. */
    interface Listener {
        /** The query's current value. */
        void changed(TemplateQueryResult result);

        /** The source could not read the query this time (it retries); the last value stays in force. */
        default void failed(String reason) {}
    }

    /** One watch; {@link #close} stops it. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
