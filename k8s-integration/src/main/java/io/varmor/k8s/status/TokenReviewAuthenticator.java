package io.varmor.k8s.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Authenticates agents by their projected ServiceAccount token (audience {@code varmor-manager}) with a TokenReview,
 * and binds them to a node:
 * <ol>
 *   <li>the token must belong to {@code system:serviceaccount:<varmor namespace>:<agent service account>};</li>
 *   <li>the node is the token's {@code authentication.kubernetes.io/node-name} claim (bound tokens, K8s ≥ 1.30), or
 *       else the {@code spec.nodeName} of the pod named by its {@code pod-name} claim, whose UID must match the
 *       {@code pod-uid} claim (so a token of a deleted pod cannot be replayed by a new pod elsewhere).</li>
 * </ol>
 * Results are cached for {@code ttl} (bounded), so the API server sees one review per agent per TTL.
 */
public final class TokenReviewAuthenticator implements AgentAuthenticator {
    public static final String AUDIENCE = "varmor-manager";
    static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";

    private final Function<String, TokenReviewStatus> review;
    private final Function<String, Pod> podLookup;
    private final String expectedUser;
    private final long ttlMillis;
    private final Map<String, Cached> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> e) {
            return size() > 10_000;
        }
    };

    private record Cached(Optional<AgentIdentity> identity, long until) {}

    public TokenReviewAuthenticator(KubernetesClient client, String namespace, String serviceAccount, Duration ttl) {
        this(token -> {
            TokenReview r = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(AUDIENCE).endSpec().build();
            return client.resource(r).create().getStatus();
        }, pod -> client.pods().inNamespace(namespace).withName(pod).get(), namespace, serviceAccount, ttl);
    }

    /** With the review and pod lookup injected (tests). */
    public TokenReviewAuthenticator(Function<String, TokenReviewStatus> review, Function<String, Pod> podLookup,
                                    String namespace, String serviceAccount, Duration ttl) {
        this.review = review;
        this.podLookup = podLookup;
        this.expectedUser = "system:serviceaccount:" + namespace + ":" + serviceAccount;
        this.ttlMillis = ttl.toMillis();
    }

    @Override
    public Optional<AgentIdentity> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        synchronized (cache) {
            Cached c = cache.get(token);
            if (c != null && c.until > now) {
                return c.identity;
            }
        }
        Optional<AgentIdentity> id = decide(review.apply(token));
        synchronized (cache) {
            cache.put(token, new Cached(id, now + (id.isPresent() ? ttlMillis : Math.min(ttlMillis, 10_000))));
        }
        return id;
    }

    private Optional<AgentIdentity> decide(TokenReviewStatus s) {
        if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
            return Optional.empty();
        }
        if (s.getAudiences() != null && !s.getAudiences().isEmpty() && !s.getAudiences().contains(AUDIENCE)) {
            return Optional.empty();
        }
        UserInfo u = s.getUser();
        if (!expectedUser.equals(u.getUsername())) {
            return Optional.empty();
        }
        Map<String, List<String>> extra = u.getExtra() == null ? Map.of() : u.getExtra();
        String podName = first(extra, POD_NAME);
        String node = first(extra, NODE_NAME);
        if (node != null) {
            return Optional.of(new AgentIdentity(node, podName));
        }
        if (podName == null) {
            return Optional.empty();
        }
        Pod pod = podLookup.apply(podName);
        String uid = first(extra, POD_UID);
        if (pod == null || pod.getSpec() == null || pod.getSpec().getNodeName() == null
                || (uid != null && !uid.equals(pod.getMetadata().getUid()))) {
            return Optional.empty();
        }
        return Optional.of(new AgentIdentity(pod.getSpec().getNodeName(), podName));
    }

    private static String first(Map<String, List<String>> extra, String key) {
        List<String> v = extra.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
