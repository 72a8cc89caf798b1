package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.TestCluster;
import io.varmor.k8s.tls.CertificateAuthority;
import io.varmor.k8s.tls.Pem;
import io.varmor.k8s.tls.ServingCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mode "operator": the leader creates the certificate Secret, injects its CA, replicas serve it, expiring ones renew. */
class WebhookCertificatesTest {
    static final Duration T = Duration.ofSeconds(20);

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.US_ASCII);
    }

    @Test
    void theLeaderIssuesTheCertificateInjectsTheCaAndTheWebhookServesIt(@TempDir Path tmp) throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            cluster.admin.admissionRegistration().v1().mutatingWebhookConfigurations().resource(new MutatingWebhookConfigurationBuilder()
                    .withNewMetadata().withName("varmor-resource-mutating-webhook-cfg").endMetadata()
                    .addNewWebhook().withName("mutateworkload.varmor.org").withNewClientConfig().withNewService().withName("varmor-webhook-svc")
                    .withNamespace("varmor").endService().endClientConfig().withSideEffects("NoneOnDryRun").withAdmissionReviewVersions("v1").endWebhook()
                    .build()).create();
            cluster.admin.admissionRegistration().v1().validatingWebhookConfigurations().resource(new ValidatingWebhookConfigurationBuilder()
                    .withNewMetadata().withName("varmor-policy-validating-webhook-cfg").endMetadata()
                    .addNewWebhook().withName("validatepolicy.varmor.org").withNewClientConfig().withNewService().withName("varmor-webhook-svc")
                    .withNamespace("varmor").endService().endClientConfig().withSideEffects("None").withAdmissionReviewVersions("v1").endWebhook()
                    .build()).create();
            Operator op = cluster.startOperator("op-1", c -> c.tls(null).certificateSecret("varmor-webhook-tls", true));
            Await.until("Secret created", T, () -> cluster.admin.secrets().inNamespace("varmor").withName("varmor-webhook-tls").get() != null);
            Secret s = cluster.admin.secrets().inNamespace("varmor").withName("varmor-webhook-tls").get();
            String ca = s.getData().get("ca.crt");
            Await.until("caBundle injected", T, () -> ca.equals(cluster.admin.admissionRegistration().v1().mutatingWebhookConfigurations()
                    .withName("varmor-resource-mutating-webhook-cfg").get().getWebhooks().get(0).getClientConfig().getCaBundle())
                    && ca.equals(cluster.admin.admissionRegistration().v1().validatingWebhookConfigurations()
                    .withName("varmor-policy-validating-webhook-cfg").get().getWebhooks().get(0).getClientConfig().getCaBundle()));
            var leaf = Pem.certificates(decode(s.getData().get("tls.crt"))).get(0);
            assertTrue(leaf.getSubjectAlternativeNames().stream().anyMatch(l -> "varmor-webhook-svc.varmor.svc".equals(l.get(1))));
            HttpClient trusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(ServingCertificate.trusting(Pem.certificates(decode(ca)).get(0))).build();
            Await.until("the webhook serves the Secret's certificate", T, () -> {
                try {
                    return trusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + op.webhookPort() + "/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aCertificateAboutToExpireIsRenewed(@TempDir Path tmp) throws Exception {
        try (TestCluster cluster = new TestCluster(tmp)) {
            CertificateAuthority ca = CertificateAuthority.create("old-ca", Duration.ofDays(3650));
            CertificateAuthority.Issued old = ca.issue("varmor-webhook-svc.varmor.svc", List.of("localhost"), Duration.ofDays(10));
            Map<String, String> data = Map.of("tls.crt", b64(old.certificatePem()), "tls.key", b64(old.keyPem()), "ca.crt", b64(old.caPem()),
                    "ca.key", b64(ca.keyPem()));
            cluster.admin.secrets().inNamespace("varmor").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                    .withName("varmor-webhook-tls").withNamespace("varmor").endMetadata().withType("kubernetes.io/tls").withData(data).build()).create();
            cluster.startOperator("op-1", c -> c.tls(null).certificateSecret("varmor-webhook-tls", true));
            Await.until("renewed", T, () -> !b64(old.certificatePem()).equals(
                    cluster.admin.secrets().inNamespace("varmor").withName("varmor-webhook-tls").get().getData().get("tls.crt")));
            var fresh = Pem.certificates(decode(cluster.admin.secrets().inNamespace("varmor").withName("varmor-webhook-tls").get().getData().get("tls.crt"))).get(0);
            assertTrue(fresh.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(Duration.ofDays(300))));
            assertNotEquals(old.certificate(), fresh);
            fresh.verify(ca.certificate().getPublicKey());
            assertEquals(b64(old.caPem()), cluster.admin.secrets().inNamespace("varmor").withName("varmor-webhook-tls").get().getData().get("ca.crt"),
                    "the CA is kept, so nothing that trusts it needs to change");
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }
}
