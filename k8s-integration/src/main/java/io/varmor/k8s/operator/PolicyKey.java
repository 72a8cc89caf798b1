package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.varmor.k8s.model.VarmorClusterPolicyResource;

/**
 * Identifies a policy of either kind.
 *
 * @param namespace empty for a VarmorClusterPolicy
 */
public record PolicyKey(boolean clusterScoped, String namespace, String name) {
    public static PolicyKey of(HasMetadata r) {
        boolean cluster = r instanceof VarmorClusterPolicyResource;
        return new PolicyKey(cluster, cluster ? "" : r.getMetadata().getNamespace(), r.getMetadata().getName());
    }

    public String kind() {
        return clusterScoped ? "VarmorClusterPolicy" : "VarmorPolicy";
    }

    @Override
    public String toString() {
        return kind() + " " + (clusterScoped ? name : namespace + "/" + name);
    }
}
