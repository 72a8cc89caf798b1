package io.varmor.k8s.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.varmor.api.PolicyResource;
import io.varmor.api.VarmorClusterPolicy;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.k8s.HttpEndpoint;
import io.varmor.k8s.metrics.VarmorMetrics;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.support.FakeEnforcer;
import io.varmor.k8s.support.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/** The webhook server over real HTTPS with an index the test fills, for Kubernetes &lt; 1.30 or ≥ 1.30. */
final class WebhookFixture implements AutoCloseable {
    final PolicyIndex index = new PolicyIndex("varmor");
    final AtomicBoolean appArmorGA = new AtomicBoolean(false);
    final VarmorMetrics metrics = new VarmorMetrics();
    final HttpEndpoint endpoint;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TestPki.clientTrust()).build();

    WebhookFixture(boolean bpfExclusive, boolean behaviorModeling) {
        Plugins plugins = new Plugins(List.copyOf(FakeEnforcer.varmorSet()), List.of(new BuiltinRules()));
        PolicyCompiler compiler = new PolicyCompiler(plugins, new CompileOptions("varmor", behaviorModeling, 1024));
        Mutator m = new Mutator(index, appArmorGA::get, "sandbox.varmor.org/enable=true", bpfExclusive, () -> "2026-01-01T00:00:00Z");
        endpoint = HttpEndpoint.create("webhook-test", 0, TestPki.serving().sslContext(), 4);
        new AdmissionWebhooks(m, new PolicyAdmission(compiler), metrics).register(endpoint);
        endpoint.start();
    }

    void policy(String yaml) {
        PolicyResource p = yaml.contains("kind: VarmorClusterPolicy") ? Manifests.parseOne(yaml, VarmorClusterPolicy.class)
                : Manifests.parseOne(yaml, VarmorPolicy.class);
        index.put(p);
    }

    /** POSTs an AdmissionReview for {@code object} and returns the response. */
    JsonNode review(String path, String group, String kind, String operation, String namespace, JsonNode object, JsonNode oldObject) throws Exception {
        ObjectNode req = KubeJson.mapper().createObjectNode();
        req.put("uid", UUID.randomUUID().toString());
        req.putObject("kind").put("group", group).put("version", group.isEmpty() ? "v1" : group.equals("apps") ? "v1" : "v1beta1").put("kind", kind);
        req.put("operation", operation);
        req.put("namespace", namespace);
        req.put("name", object.path("metadata").path("name").asText(""));
        req.set("object", object);
        if (oldObject != null) {
            req.set("oldObject", oldObject);
        }
        ObjectNode review = KubeJson.mapper().createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        review.set("request", req);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + endpoint.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(review.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
        }
        JsonNode resp = KubeJson.mapper().readTree(r.body()).path("response");
        if (!resp.path("uid").asText().equals(req.path("uid").asText())) {
            throw new AssertionError("response uid does not match the request");
        }
        return resp;
    }

    /** The object after applying the response's patch (the object itself when there is none). */
    static JsonNode patched(JsonNode object, JsonNode response) throws Exception {
        if (!response.has("patch")) {
            return object;
        }
        JsonNode patch = KubeJson.mapper().readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        return io.fabric8.zjsonpatch.JsonPatch.apply(patch, object);
    }

    static JsonNode json(String s) {
        try {
            return KubeJson.mapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
