package io.varmor.k8s.webhook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** AppArmorGA (Kubernetes ≥ 1.30) from the API server's version, including vendors' "30+" minors. */
class KubeVersionTest {
    @Test
    void versionsCompareAsTheApiServerReportsThem() {
        assertTrue(KubeVersion.atLeast("1", "30", 1, 30));
        assertTrue(KubeVersion.atLeast("1", "31+", 1, 30));
        assertFalse(KubeVersion.atLeast("1", "29+", 1, 30));
        assertTrue(KubeVersion.atLeast("2", "0", 1, 30));
    }

    @Test
    void theProbeReadsTheServerVersionAndFollowsAnUpgrade() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> minor = new java.util.concurrent.atomic.AtomicReference<>("29");
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("localhost", 0), 0);
        server.createContext("/version", ex -> {
            byte[] b = ("{\"major\":\"1\",\"minor\":\"" + minor.get() + "\",\"gitVersion\":\"v1." + minor.get() + ".0\"}").getBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.start();
        try (var client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://localhost:" + server.getAddress().getPort()).build()).build();
             KubeVersion v = new KubeVersion(client, Duration.ofMillis(100))) {
            assertFalse(v.getAsBoolean());
            minor.set("30+");
            io.varmor.k8s.support.Await.until("upgrade seen", Duration.ofSeconds(10), v::getAsBoolean);
        } finally {
            server.stop(0);
        }
    }
}
