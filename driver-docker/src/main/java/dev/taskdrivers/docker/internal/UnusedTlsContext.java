package dev.taskdrivers.docker.internal;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context given to the HTTP transport of an engine on a unix socket, where TLS is never used. Without one
 * the transport builds the JVM's default context, which reads and parses the whole CA trust store: a good part of
 * a one-shot command line's start for nothing. Any use throws, naming why.
 */
public final class UnusedTlsContext {
    private UnusedTlsContext() {}

    /** A context whose every use throws. */
    public static SSLContext create() {
        return new SSLContext(new Spi(), null, "none") {};
    }

    private static final class Spi extends SSLContextSpi {
        private static UnsupportedOperationException unused() {
            return new UnsupportedOperationException("TLS is not used to reach an engine on a unix socket");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random)
                throws KeyManagementException {
            throw unused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw unused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw unused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw unused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw unused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw unused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw unused();
        }
    }
}
