package io.varmor.k8s.status;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may read (or write) ArmorProfileModels through the status service (vArmor's export/import endpoints, spec §1.5):
 * the bearer token is reviewed (TokenReview, any audience the API server accepts), then the user it belongs to is
 * checked with a SubjectAccessReview for the verb on {@code crd.varmor.org/armorprofilemodels} in the namespace.
 */
@FunctionalInterface
public interface ModelAccess {
    /** Whether the holder of {@code bearerToken} may {@code verb} the model {@code namespace/name}. */
    boolean allowed(String bearerToken, String verb, String namespace, String name);

    /** The cluster's answer: TokenReview, then SubjectAccessReview. */
    static ModelAccess of(KubernetesClient client) {
        return (token, verb, namespace, name) -> {
            if (token == null || token.isBlank()) {
                return false;
            }
            TokenReview r = client.resource(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build()).create();
            TokenReviewStatus s = r == null ? null : r.getStatus();
            if (s == null || !Boolean.TRUE.equals(s.getAuthenticated()) || s.getUser() == null) {
                return false;
            }
            SubjectAccessReview sar = client.resource(new SubjectAccessReviewBuilder().withNewSpec()
                    .withUser(s.getUser().getUsername()).withUid(s.getUser().getUid()).withGroups(s.getUser().getGroups())
                    .withExtra(extra(s.getUser().getExtra()))
                    .withNewResourceAttributes().withGroup("crd.varmor.org").withResource("armorprofilemodels")
                    .withVerb(verb).withNamespace(namespace).withName(name).endResourceAttributes()
                    .endSpec().build()).create();
            return sar != null && sar.getStatus() != null && sar.getStatus().getAllowed();
        };
    }

    private static Map<String, List<String>> extra(Map<String, List<String>> e) {
        return e == null ? Map.of() : e;
    }

    /** Fixed grants: token → verbs it may use on every model (tests, out-of-cluster development). */
    static ModelAccess fixed(Map<String, Set<String>> grants) {
        return (token, verb, namespace, name) -> grants.getOrDefault(token, Set.of()).contains(verb);
    }
}
