package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.support.Await;
import io.varmor.k8s.support.Policies;
import io.varmor.k8s.support.TestCluster;
import io.varmor.k8s.support.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent → operator channel: an agent can only report for its own node; metrics count what agents report. */
class StatusChannelTest {
    static final Duration T = Duration.ofSeconds(20);
    @TempDir
    static Path tmp;
    static TestCluster cluster;
    static Operator op;
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TestPki.clientTrust()).build();

    @BeforeAll
    static void start() {
        cluster = new TestCluster(tmp);
        cluster.agentDaemonSet(2);
        op = cluster.startOperator("op-1");
        Await.until("leadership", T, op::isLeader);
        cluster.startAgent("node-a", "AppArmor");
        cluster.startAgent("node-b", "AppArmor");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + op.statusPort() + "/apis/v1/status"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAgentCannotReportForAnotherNode() throws Exception {
        String forged = "{\"nodeName\":\"node-b\",\"full\":true,\"reports\":[{\"namespace\":\"demo\",\"armorProfile\":\"varmor-demo-x\","
                + "\"specHash\":\"h\",\"status\":\"failed\",\"message\":\"forged\"}]}";
        HttpResponse<String> r = post("token-node-a", forged);
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("node-a"), r.body());
    }

    @Test
    void aReportWithoutAValidTokenIsRejected() throws Exception {
        assertEquals(401, post(null, "{\"nodeName\":\"node-a\",\"reports\":[]}").statusCode());
        assertEquals(401, post("stolen", "{\"nodeName\":\"node-a\",\"reports\":[]}").statusCode());
    }

    @Test
    void vArmorsSingleProfileStatusBodyIsAcceptedForTheCallersNode() throws Exception {
        HttpResponse<String> r = post("token-node-a", "{\"namespace\":\"demo\",\"armorProfile\":\"varmor-demo-none\",\"nodeName\":\"node-a\","
                + "\"status\":\"succeeded\",\"message\":\"Ready\"}");
        assertEquals(200, r.statusCode());
    }

    @Test
    void metricsCountAgentsResultsPerNode() throws Exception {
        Policies.create(cluster.admin, Policies.vpol("demo", "m-1", "AppArmor", "AlwaysAllow", ""));
        Await.until("Protecting", T, () -> "Protecting".equals(Policies.phase(Policies.get(cluster.admin, "demo", "m-1"))));
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + op.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(text.contains("varmor_profile_processing_success_total{node_name=\"node-a\"}"), text);
        assertTrue(text.contains("varmor_profile_processing_success_total{node_name=\"node-b\"}"), text);
        assertTrue(text.contains("varmor_admission_requests_total"), text);
    }
}
