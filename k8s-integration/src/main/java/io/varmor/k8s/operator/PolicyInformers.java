package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import java.util.ArrayList;
import java.util.List;

/**
 * Informers on both policy kinds, running on every replica: the webhooks match against them, and the leader's
 * controller adds its handlers while it leads.
 */
public final class PolicyInformers implements AutoCloseable {
    private final SharedIndexInformer<VarmorPolicyResource> policies;
    private final SharedIndexInformer<VarmorClusterPolicyResource> clusterPolicies;

    public PolicyInformers(KubernetesClient client) {
        policies = client.resources(VarmorPolicyResource.class).inAnyNamespace().runnableInformer(0);
        clusterPolicies = client.resources(VarmorClusterPolicyResource.class).runnableInformer(0);
    }

    /** Starts both informers and waits for their initial lists. */
    public PolicyInformers start() {
        policies.start().toCompletableFuture().join();
        clusterPolicies.start().toCompletableFuture().join();
        return this;
    }

    /** Adds a handler to both kinds. */
    public void addHandler(ResourceEventHandler<HasMetadata> h) {
        policies.addEventHandler(cast(h));
        clusterPolicies.addEventHandler(cast(h));
    }

    public void removeHandler(ResourceEventHandler<HasMetadata> h) {
        policies.removeEventHandler(cast(h));
        clusterPolicies.removeEventHandler(cast(h));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> h) {
        return (ResourceEventHandler) h;
    }

    /** The cached policy, or null. */
    public HasMetadata get(PolicyKey key) {
        return key.clusterScoped()
                ? clusterPolicies.getStore().getByKey(key.name())
                : policies.getStore().getByKey(Cache.namespaceKeyFunc(key.namespace(), key.name()));
    }

    /** Every cached policy, cluster policies first. */
    public List<HasMetadata> all() {
        List<HasMetadata> out = new ArrayList<>(clusterPolicies.getStore().list());
        out.addAll(policies.getStore().list());
        return out;
    }

    @Override
    public void close() {
        policies.close();
        clusterPolicies.close();
    }
}
