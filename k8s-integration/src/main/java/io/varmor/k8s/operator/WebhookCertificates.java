package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.varmor.k8s.tls.CertificateAuthority;
import io.varmor.k8s.tls.Pem;
import io.varmor.k8s.tls.ServingCertificate;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The webhook and status services' certificate, kept in a Secret ({@code tls.crt}, {@code tls.key}, {@code ca.crt})
 * as vArmor's cert manager does. Every replica serves what the Secret holds (polled, so rotation needs no restart).
 * When {@code manage} is on, the leader creates the pair (ECDSA P-256; CA 10 years, serving certificate 1 year),
 * renews the serving certificate 30 days before it expires, and writes the CA into the {@code caBundle} of the
 * webhook configurations the chart installed. With cert-manager or an existing Secret, {@code manage} is off and
 * the operator only reads.
 */
public final class WebhookCertificates implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookCertificates.class.getName());
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final KubernetesClient client;
    private final String namespace;
    private final String secretName;
    private final List<String> dnsNames;
    private final List<String> mutating;
    private final List<String> validating;
    private final ServingCertificate serving;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "varmor-certificates");
        t.setDaemon(true);
        return t;
    });
    private volatile String served;
    private boolean managing;

    public WebhookCertificates(KubernetesClient client, String namespace, String secretName, List<String> mutatingConfigs,
                               List<String> validatingConfigs, ServingCertificate serving) {
        this.client = client;
        this.namespace = namespace;
        this.secretName = secretName;
        this.mutating = mutatingConfigs;
        this.validating = validatingConfigs;
        this.serving = serving;
        this.dnsNames = List.of("varmor-webhook-svc", "varmor-webhook-svc." + namespace, "varmor-webhook-svc." + namespace + ".svc",
                "varmor-status-svc", "varmor-status-svc." + namespace, "varmor-status-svc." + namespace + ".svc", "localhost");
    }

    /** Starts serving the Secret's pair (checked every {@code poll}). */
    public WebhookCertificates start(Duration poll) {
        refresh();
        timer.scheduleWithFixedDelay(this::refresh, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Loads the Secret's pair into the server if it changed. */
    void refresh() {
        try {
            Secret s = client.secrets().inNamespace(namespace).withName(secretName).get();
            if (s == null || s.getData() == null || !s.getData().containsKey("tls.crt") || !s.getData().containsKey("tls.key")) {
                return;
            }
            String crt = s.getData().get("tls.crt");
            if (crt.equals(served)) {
                return;
            }
            List<X509Certificate> chain = Pem.certificates(decode(crt));
            PrivateKey key = Pem.privateKey(decode(s.getData().get("tls.key")));
            serving.update(chain, key);
            served = crt;
            LOG.info("serving certificate from Secret " + namespace + "/" + secretName + " (valid until " + chain.get(0).getNotAfter().toInstant() + ")");
        } catch (KubernetesClientException | IllegalArgumentException e) {
            LOG.warning("cannot load the serving certificate from Secret " + namespace + "/" + secretName + ": " + e.getMessage());
        }
    }

    /** Leader: makes sure a valid pair exists and the webhook configurations trust its CA; then every 12 hours. */
    public synchronized void manage() {
        ensure();
        if (!managing) {
            managing = true;
            timer.scheduleWithFixedDelay(this::ensure, 12, 12, TimeUnit.HOURS);
        }
    }

    synchronized void ensure() {
        try {
            Secret s = client.secrets().inNamespace(namespace).withName(secretName).get();
            String caPem = s == null || s.getData() == null || !s.getData().containsKey("ca.crt") ? null : decode(s.getData().get("ca.crt"));
            if (!valid(s)) {
                caPem = issue(s);
            }
            refresh();
            if (caPem != null) {
                injectCaBundle(Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (KubernetesClientException e) {
            LOG.warning("certificate management failed (retrying in 12 h or on the next leadership): " + e.getMessage());
        }
    }

    private boolean valid(Secret s) {
        if (s == null || s.getData() == null || !s.getData().keySet().containsAll(List.of("tls.crt", "tls.key", "ca.crt"))) {
            return false;
        }
        try {
            X509Certificate leaf = Pem.certificates(decode(s.getData().get("tls.crt"))).get(0);
            X509Certificate ca = Pem.certificates(decode(s.getData().get("ca.crt"))).get(0);
            leaf.verify(ca.getPublicKey());
            return leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Writes a new serving certificate and returns the CA PEM. The CA ({@code ca.crt}, {@code ca.key}) is kept while it
     * has more than a year left, so a renewal changes nothing clients trust.
     */
    private String issue(Secret old) {
        CertificateAuthority ca = reusableCa(old);
        if (ca == null) {
            ca = CertificateAuthority.create("varmor-ca", CA_VALIDITY);
        }
        CertificateAuthority.Issued leaf = ca.issue("varmor-webhook-svc." + namespace + ".svc", dnsNames, LEAF_VALIDITY);
        Map<String, String> data = Map.of(
                "tls.crt", encode(leaf.certificatePem()), "tls.key", encode(leaf.keyPem()), "ca.crt", encode(leaf.caPem()),
                "ca.key", encode(ca.keyPem()));
        Secret next = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/name", "varmor").endMetadata().withType("kubernetes.io/tls").withData(data).build();
        if (old == null) {
            client.secrets().inNamespace(namespace).resource(next).create();
        } else {
            client.secrets().inNamespace(namespace).withName(secretName).edit(x -> {
                x.setData(data);
                return x;
            });
        }
        LOG.info("issued a new serving certificate into Secret " + namespace + "/" + secretName);
        return leaf.caPem();
    }

    private static CertificateAuthority reusableCa(Secret s) {
        if (s == null || s.getData() == null || !s.getData().containsKey("ca.crt") || !s.getData().containsKey("ca.key")) {
            return null;
        }
        try {
            X509Certificate cert = Pem.certificates(decode(s.getData().get("ca.crt"))).get(0);
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(LEAF_VALIDITY).plus(RENEW_BEFORE))) {
                return null;
            }
            return CertificateAuthority.of(cert, Pem.privateKey(decode(s.getData().get("ca.key"))));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void injectCaBundle(String bundle) {
        for (String name : mutating) {
            var r = client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name);
            var cfg = r.get();
            if (cfg != null && cfg.getWebhooks().stream().anyMatch(w -> !Objects.equals(bundle, w.getClientConfig().getCaBundle()))) {
                r.edit(x -> {
                    for (MutatingWebhook w : x.getWebhooks()) {
                        w.getClientConfig().setCaBundle(bundle);
                    }
                    return x;
                });
            }
        }
        for (String name : validating) {
            var r = client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
            var cfg = r.get();
            if (cfg != null && cfg.getWebhooks().stream().anyMatch(w -> !Objects.equals(bundle, w.getClientConfig().getCaBundle()))) {
                r.edit(x -> {
                    for (ValidatingWebhook w : x.getWebhooks()) {
                        w.getClientConfig().setCaBundle(bundle);
                    }
                    return x;
                });
            }
        }
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.US_ASCII);
    }

    private static String encode(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
