package io.varmor.k8s.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.varmor.k8s.model.KubeJson;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Model export access in a cluster: the token is reviewed, then the user it names is checked for the verb. */
class ModelAccessTest {
    static final String TR = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final String SAR = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    void tokenReview(boolean authenticated) {
        server.expect().post().withPath(TR).andReturn(201, new TokenReviewBuilder().withNewStatus()
                .withAuthenticated(authenticated).withNewUser().withUsername("alice").withUid("u-1")
                .withGroups(List.of("devs")).endUser().endStatus().build()).once();
    }

    void accessReview(boolean allowed) {
        server.expect().post().withPath(SAR).andReturn(201, new SubjectAccessReviewBuilder().withNewStatus()
                .withAllowed(allowed).endStatus().build()).once();
    }

    @Test
    void aUserAllowedToGetTheModelMayExportItAndTheCheckNamesUserVerbAndObject() throws Exception {
        tokenReview(true);
        accessReview(true);
        assertTrue(ModelAccess.of(client).allowed("t", "get", "demo", "varmor-demo-web"));
        assertEquals(TR, server.takeRequest().getPath());
        var sar = server.takeRequest();
        assertEquals(SAR, sar.getPath());
        JsonNode spec = KubeJson.mapper().readTree(sar.getBody().readUtf8()).path("spec");
        assertEquals("alice", spec.path("user").asText());
        assertEquals("[\"devs\"]", spec.path("groups").toString());
        JsonNode ra = spec.path("resourceAttributes");
        assertEquals("crd.varmor.org", ra.path("group").asText());
        assertEquals("armorprofilemodels", ra.path("resource").asText());
        assertEquals("get", ra.path("verb").asText());
        assertEquals("demo", ra.path("namespace").asText());
        assertEquals("varmor-demo-web", ra.path("name").asText());
    }

    @Test
    void aUserWithoutTheRightOrAnUnauthenticatedTokenMayNot() {
        tokenReview(true);
        accessReview(false);
        assertFalse(ModelAccess.of(client).allowed("t", "get", "demo", "m"));
        tokenReview(false);
        assertFalse(ModelAccess.of(client).allowed("t", "get", "demo", "m"), "no access review for an unauthenticated token");
        assertFalse(ModelAccess.of(client).allowed("", "get", "demo", "m"));
    }
}
