package io.varmor.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * {@code varmor operator --preDelete} (the chart's pre-delete hook, as vArmor's): deletes every VarmorClusterPolicy,
 * then every VarmorPolicy, then waits a moment so the still-running manager removes the ArmorProfiles (and rolls
 * workloads back where {@code updateExistingWorkloads} asks for it) before the chart's objects go away.
 */
public final class PreDelete {
    private static final Logger LOG = Logger.getLogger(PreDelete.class.getName());

    private PreDelete() {}

    /** Returns the number of policies deleted. */
    public static int run(KubernetesClient client, Duration settle) {
        int cluster = client.resources(VarmorClusterPolicyResource.class).list().getItems().size();
        client.resources(VarmorClusterPolicyResource.class).delete();
        int namespaced = client.resources(VarmorPolicyResource.class).inAnyNamespace().list().getItems().size();
        client.resources(VarmorPolicyResource.class).inAnyNamespace().delete();
        LOG.info("pre-delete: deleted " + cluster + " VarmorClusterPolicies and " + namespaced + " VarmorPolicies");
        try {
            Thread.sleep(settle.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cluster + namespaced;
    }
}
