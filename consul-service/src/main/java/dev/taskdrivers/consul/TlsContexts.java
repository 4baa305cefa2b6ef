package dev.taskdrivers.consul;

import dev.taskdrivers.services.internal.SkipVerifyTrust;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds the trust side of TLS to the agent: a CA file, the JVM's defaults, or (for testing) no verification. */
final class TlsContexts {

    /** An SSL context and the trust manager it uses (OkHttp wants both). */
    record Tls(SSLContext context, X509TrustManager trustManager) {}

    private TlsContexts() {}

    static Tls trusting(Path caFile) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(caFile)) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("tls_ca_file holds no PEM certificate: " + caFile);
            }
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            X509TrustManager tm = (X509TrustManager) tmf.getTrustManagers()[0];
            return build(tm);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read tls_ca_file " + caFile + ": " + e.getMessage(), e);
        }
    }

    static Tls trustingAnything() {
        return build(SkipVerifyTrust.INSTANCE);
    }

    private static Tls build(X509TrustManager tm) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
            return new Tls(ctx, tm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available in this JVM", e);
        }
    }
}
