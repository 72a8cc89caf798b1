package io.varmor.k8s.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The TLS identity of a server. Either fixed (tests, self-signed development mode) or read from {@code tls.crt} /
 * {@code tls.key} files that are re-read when they change (a Secret volume rotated by Helm or cert-manager), checked
 * at most every {@code recheckMillis}.
 */
public final class ServingCertificate extends X509ExtendedKeyManager {
    private static final String ALIAS = "serving";

    private final Path certFile;
    private final Path keyFile;
    private final long recheckMillis;
    private volatile X509Certificate[] chain;
    private volatile PrivateKey key;
    private volatile long loadedStamp;
    private volatile long lastCheck;

    private ServingCertificate(Path certFile, Path keyFile, long recheckMillis) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.recheckMillis = recheckMillis;
    }

    /** A fixed identity. */
    public static ServingCertificate of(List<X509Certificate> chain, PrivateKey key) {
        ServingCertificate s = new ServingCertificate(null, null, Long.MAX_VALUE);
        s.chain = chain.toArray(X509Certificate[]::new);
        s.key = key;
        return s;
    }

    /** A fixed identity from an issued certificate (leaf + CA). */
    public static ServingCertificate of(CertificateAuthority.Issued issued) {
        return of(List.of(issued.certificate(), issued.issuer()), issued.key());
    }

    /** An identity that is set later with {@link #update} (e.g. from a Secret the leader creates); none until then. */
    public static ServingCertificate pending() {
        return new ServingCertificate(null, null, Long.MAX_VALUE);
    }

    /** Replaces the served identity (new handshakes use it; established connections are unaffected). */
    public synchronized void update(List<X509Certificate> newChain, PrivateKey newKey) {
        chain = newChain.toArray(X509Certificate[]::new);
        key = newKey;
    }

    /** Whether an identity is available. */
    public boolean ready() {
        return key != null;
    }

    /** An identity read from PEM files and re-read when they change. */
    public static ServingCertificate fromFiles(Path certFile, Path keyFile) {
        ServingCertificate s = new ServingCertificate(certFile, keyFile, 10_000);
        s.reload();
        return s;
    }

    /** An SSL context serving this identity (TLS 1.2 and 1.3). */
    public SSLContext sslContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {this}, null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate chain currently served. */
    public X509Certificate[] chain() {
        maybeReload();
        return chain == null ? new X509Certificate[0] : chain.clone();
    }

    private void maybeReload() {
        if (certFile == null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now - lastCheck < recheckMillis) {
            return;
        }
        lastCheck = now;
        try {
            long stamp = Files.getLastModifiedTime(certFile).toMillis() ^ Files.getLastModifiedTime(keyFile).toMillis();
            if (stamp != loadedStamp) {
                reload();
            }
        } catch (IOException | RuntimeException e) {
            // keep serving the previous pair; the next check retries
        }
    }

    private synchronized void reload() {
        try {
            long stamp = Files.getLastModifiedTime(certFile).toMillis() ^ Files.getLastModifiedTime(keyFile).toMillis();
            List<X509Certificate> c = Pem.certificates(Files.readString(certFile));
            PrivateKey k = Pem.privateKey(Files.readString(keyFile));
            chain = c.toArray(X509Certificate[]::new);
            key = k;
            loadedStamp = stamp;
            lastCheck = System.currentTimeMillis();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the serving certificate " + certFile + " / " + keyFile, e);
        }
    }

    /** A trust store holding {@code ca} (for clients of this server). */
    public static SSLContext trusting(X509Certificate ca) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("ca", ca);
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- X509ExtendedKeyManager: one alias, whatever the key type asked for ---

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        maybeReload();
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        maybeReload();
        return matches(keyType) ? ALIAS : null;
    }

    private boolean matches(String keyType) {
        PrivateKey k = key;
        if (k == null) {
            return false;
        }
        String alg = k.getAlgorithm();
        return keyType == null || keyType.equalsIgnoreCase(alg) || (alg.equals("EC") && keyType.startsWith("EC"));
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) && chain != null ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }

}
