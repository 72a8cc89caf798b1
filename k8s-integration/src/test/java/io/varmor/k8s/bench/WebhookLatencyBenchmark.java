package io.varmor.k8s.bench;

import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.k8s.HttpEndpoint;
import io.varmor.k8s.metrics.VarmorMetrics;
import io.varmor.k8s.support.TestPki;
import io.varmor.k8s.webhook.AdmissionWebhooks;
import io.varmor.k8s.webhook.Mutator;
import io.varmor.k8s.webhook.PolicyIndex;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Mutating-webhook latency over HTTPS in one process: a keep-alive client POSTs AdmissionReviews for a labelled
 * three-container Deployment matched by one of 1,000 indexed policies (AppArmor+BPF+Seccomp, K8s ≥ 1.30). Measures
 * request-to-response time at the client (TLS, HTTP, JSON, matching, patch). Prints a table. Run:
 * {@code mvn -pl k8s-integration test -Dtest=WebhookLatencyBenchmark -Dvarmor.bench=true}
 */
@EnabledIfSystemProperty(named = "varmor.bench", matches = "true")
class WebhookLatencyBenchmark {
    @Test
    void mutatingWebhookLatency() throws Exception {
        PolicyIndex index = new PolicyIndex("varmor");
        for (int i = 0; i < 1000; i++) {
            index.put(Manifests.parseOne("apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata: {name: p" + i + ", namespace: ns" + (i % 50) + "}\n"
                    + "spec:\n  target: {kind: Deployment, selector: {matchLabels: {app: web" + i + "}}}\n"
                    + "  policy: {enforcer: AppArmorBPFSeccomp, mode: EnhanceProtect}\n", VarmorPolicy.class));
        }
        Mutator m = new Mutator(index, () -> true, "sandbox.varmor.org/enable=true", false, () -> "2026-01-01T00:00:00Z");
        try (HttpEndpoint e = HttpEndpoint.create("bench", 0, TestPki.serving().sslContext(), 4)) {
            VarmorMetrics metrics = new VarmorMetrics();
            new AdmissionWebhooks(m, null, metrics).register(e);
            e.start();
            URI uri = URI.create("https://localhost:" + e.port() + "/mutate");
            String body = review("ns49", "web999");
            String miss = review("ns7", "nomatch");
            List<String> lines = new ArrayList<>();
            for (String proto : new String[] {"TLSv1.3", "TLSv1.2"}) {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TestPki.clientTrust())
                        .sslParameters(new javax.net.ssl.SSLParameters(null, new String[] {proto})).build();
                run(http, uri, body, 3000);
                lines.add(line(proto + ", 3 containers patched", run(http, uri, body, 10000)));
                lines.add(line(proto + ", no policy matches", run(http, uri, miss, 5000)));
            }
            long t = System.nanoTime();
            Mutator.Result r = null;
            var tree = KubeJsonHolder.tree(body).path("request").path("object");
            for (int i = 0; i < 100_000; i++) {
                r = m.mutate("Deployment", "CREATE", "ns49", tree).orElseThrow();
            }
            long perCall = (System.nanoTime() - t) / 100_000 / 1000;
            System.out.println();
            System.out.println("mutating webhook over HTTPS, in process (JDK keep-alive client, 1,000 policies indexed), microseconds");
            System.out.printf("%-36s %8s %8s %8s %8s %8s%n", "client TLS, request", "n", "p50", "p99", "p99.9", "max");
            lines.forEach(System.out::println);
            System.out.println("Mutator.mutate alone (no HTTP/TLS/JSON parsing): " + perCall + " us per call, patch of " + r.patch().size() + " ops");
        }
    }

    static String line(String what, List<Long> l) {
        return String.format("%-36s %8d %8d %8d %8d %8d", what, l.size(), pct(l, 50), pct(l, 99), pct(l, 99.9), l.get(l.size() - 1));
    }

    /** JSON parsing for the in-process measurement. */
    static final class KubeJsonHolder {
        static com.fasterxml.jackson.databind.JsonNode tree(String s) {
            try {
                return io.varmor.k8s.model.KubeJson.mapper().readTree(s);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static List<Long> run(HttpClient http, URI uri, String body, int n) throws Exception {
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t = System.nanoTime();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            out.add((System.nanoTime() - t) / 1000);
            if (r.statusCode() != 200) {
                throw new AssertionError(r.body());
            }
        }
        Collections.sort(out);
        return out;
    }

    static String review(String ns, String app) {
        String obj = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns + "\","
                + "\"labels\":{\"app\":\"" + app + "\",\"sandbox.varmor.org/enable\":\"true\"}},\"spec\":{\"replicas\":3,"
                + "\"selector\":{\"matchLabels\":{\"app\":\"" + app + "\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + app + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c0\",\"image\":\"nginx\"},{\"name\":\"c1\",\"image\":\"redis\"},"
                + "{\"name\":\"c2\",\"image\":\"busybox\",\"securityContext\":{\"runAsUser\":1000}}]}}}}";
        return "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"" + UUID.randomUUID()
                + "\",\"kind\":{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"},\"operation\":\"CREATE\",\"namespace\":\""
                + ns + "\",\"name\":\"web\",\"object\":" + obj + "}}";
    }

    static long pct(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
