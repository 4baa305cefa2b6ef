package dev.taskdrivers.services.internal;

import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * The trust manager behind {@code tls_skip_verify}: it accepts every certificate, because the operator (or the check's
 * owner) asked for no verification. Shared by the in-process checks and the Consul registry; not part of the API.
 */
public final class SkipVerifyTrust implements X509TrustManager {
    /** The one instance; it holds no state. */
    public static final SkipVerifyTrust INSTANCE = new SkipVerifyTrust();

    private SkipVerifyTrust() {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // tls_skip_verify: no verification was asked for
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        // tls_skip_verify: no verification was asked for
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
