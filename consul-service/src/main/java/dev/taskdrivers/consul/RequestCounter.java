package dev.taskdrivers.consul;

import java.util.concurrent.atomic.LongAdder;
import org.kiwiproject.consul.monitoring.ClientEventCallback;

/**
 * Counts the HTTP requests consul-client sends, as reads (GET) and writes (everything else), from the client's own
 * request events. The client delivers those events on its own thread, so counts may lag a call by a moment.
 */
final class RequestCounter implements ClientEventCallback {

    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();

    @Override
    public void onHttpRequestSuccess(String clientName, String method, String queryString) {
        count(method);
    }

    @Override
    public void onHttpRequestFailure(String clientName, String method, String queryString, Throwable throwable) {
        count(method);
    }

    @Override
    public void onHttpRequestInvalid(String clientName, String method, String queryString, Throwable throwable) {
        count(method);
    }

    private void count(String method) {
        ("GET".equals(method) ? reads : writes).increment();
    }

    long reads() {
        return reads.sum();
    }

    long writes() {
        return writes.sum();
    }
}
