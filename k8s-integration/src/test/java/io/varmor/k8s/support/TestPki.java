package io.varmor.k8s.support;

import io.varmor.k8s.tls.CertificateAuthority;
import io.varmor.k8s.tls.ServingCertificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/** One CA and a serving certificate for localhost, shared by the tests of a JVM (key generation is not free). */
public final class TestPki {
    public static final CertificateAuthority CA = CertificateAuthority.create("varmor-test-ca", Duration.ofDays(1));
    public static final CertificateAuthority.Issued SERVER = CA.issue("localhost",
            List.of("localhost", "127.0.0.1", "varmor-webhook-svc.varmor.svc"), Duration.ofDays(1));

    private TestPki() {}

    public static ServingCertificate serving() {
        return ServingCertificate.of(SERVER);
    }

    public static SSLContext clientTrust() {
        return ServingCertificate.trusting(CA.certificate());
    }
}
