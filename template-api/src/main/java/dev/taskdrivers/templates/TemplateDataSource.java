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
 */
public interface TemplateDataSource extends AutoCloseable {
    /**
     * Starts watching {@code query}. The listener gets the current value as soon as it is known, then each value
     * that differs from the last. While the source cannot reach its data, the listener hears nothing (the last value
     * stays in force) or {@link Listener#failed} with the reason.
     *
     * @return closes this watch; closing twice does nothing
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
