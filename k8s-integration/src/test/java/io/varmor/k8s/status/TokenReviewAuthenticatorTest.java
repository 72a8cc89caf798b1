package io.varmor.k8s.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How an agent's token becomes the one node it may report for. */
class TokenReviewAuthenticatorTest {
    static final String SA = "system:serviceaccount:varmor:varmor-agent";
    static final Pod AGENT_POD = new PodBuilder().withNewMetadata().withName("varmor-agent-x").withUid("uid-1").endMetadata()
            .withNewSpec().withNodeName("node-a").endSpec().build();

    static TokenReviewStatus status(boolean ok, String user, Map<String, List<String>> extra) {
        return new TokenReviewStatusBuilder().withAuthenticated(ok).withAudiences("varmor-manager")
                .withNewUser().withUsername(user).withExtra(extra).endUser().build();
    }

    static TokenReviewAuthenticator auth(TokenReviewStatus s, AtomicInteger reviews) {
        return new TokenReviewAuthenticator(t -> {
            reviews.incrementAndGet();
            return s;
        }, name -> name.equals("varmor-agent-x") ? AGENT_POD : null, "varmor", "varmor-agent", Duration.ofMinutes(5));
    }

    @Test
    void theNodeNameClaimOfABoundTokenIsUsed() {
        var a = auth(status(true, SA, Map.of(TokenReviewAuthenticator.NODE_NAME, List.of("node-b"),
                TokenReviewAuthenticator.POD_NAME, List.of("varmor-agent-y"))), new AtomicInteger());
        assertEquals(Optional.of(new AgentIdentity("node-b", "varmor-agent-y")), a.authenticate("t"));
    }

    @Test
    void withoutANodeClaimThePodsNodeIsUsedWhenThePodUidMatches() {
        var ok = auth(status(true, SA, Map.of(TokenReviewAuthenticator.POD_NAME, List.of("varmor-agent-x"),
                TokenReviewAuthenticator.POD_UID, List.of("uid-1"))), new AtomicInteger());
        assertEquals("node-a", ok.authenticate("t").orElseThrow().nodeName());
        var replayed = auth(status(true, SA, Map.of(TokenReviewAuthenticator.POD_NAME, List.of("varmor-agent-x"),
                TokenReviewAuthenticator.POD_UID, List.of("uid-of-a-deleted-pod"))), new AtomicInteger());
        assertTrue(replayed.authenticate("t").isEmpty());
    }

    @Test
    void otherServiceAccountsAndUnauthenticatedTokensGetNothing() {
        assertTrue(auth(status(true, "system:serviceaccount:default:default", Map.of(TokenReviewAuthenticator.NODE_NAME, List.of("node-a"))),
                new AtomicInteger()).authenticate("t").isEmpty());
        assertTrue(auth(status(false, SA, Map.of(TokenReviewAuthenticator.NODE_NAME, List.of("node-a"))), new AtomicInteger())
                .authenticate("t").isEmpty());
    }

    @Test
    void reviewsAreCached() {
        AtomicInteger n = new AtomicInteger();
        var a = auth(status(true, SA, Map.of(TokenReviewAuthenticator.NODE_NAME, List.of("node-a"))), n);
        for (int i = 0; i < 100; i++) {
            a.authenticate("same-token");
        }
        assertEquals(1, n.get());
    }
}
