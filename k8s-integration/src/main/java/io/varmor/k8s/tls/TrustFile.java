package io.varmor.k8s.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A client trust store read from a CA file (the manager's {@code ca.crt}, mounted from its Secret), re-read when the
 * file changes. Before the file exists (the leader creates the Secret after the agents may have started) it yields
 * null and callers retry.
 */
public final class TrustFile implements Supplier<SSLContext> {
    private final Path file;
    private long stamp = -1;
    private SSLContext context;

    public TrustFile(Path file) {
        this.file = file;
    }

    @Override
    public synchronized SSLContext get() {
        try {
            long now = Files.getLastModifiedTime(file).toMillis();
            if (now != stamp || context == null) {
                List<X509Certificate> certs = Pem.certificates(Files.readString(file));
                context = ServingCertificate.trusting(certs.get(0));
                stamp = now;
            }
        } catch (IOException | RuntimeException e) {
            return context;
        }
        return context;
    }
}
