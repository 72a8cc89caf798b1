package io.varmor.k8s.support;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.varmor.k8s.crd.CrdGenerator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** fabric8's mock API server in CRUD mode with varmor's generated CRDs installed first. */
public final class MockCluster implements AutoCloseable {
    private final KubernetesMockServer server;
    private final List<KubernetesClient> clients = new ArrayList<>();

    public MockCluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        KubernetesClient admin = client();
        for (CrdGenerator.Crd crd : CrdGenerator.generate()) {
            CustomResourceDefinition d = admin.getKubernetesSerialization().unmarshal(
                    new ByteArrayInputStream(crd.yaml().getBytes(StandardCharsets.UTF_8)), CustomResourceDefinition.class);
            admin.apiextensions().v1().customResourceDefinitions().resource(d).create();
        }
    }

    /** A new client (each agent / operator replica gets its own, as in a cluster). */
    public KubernetesClient client() {
        KubernetesClient c = server.createClient();
        clients.add(c);
        return c;
    }

    public KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        server.destroy();
    }
}
