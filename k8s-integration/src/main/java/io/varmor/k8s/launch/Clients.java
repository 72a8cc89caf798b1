package io.varmor.k8s.launch;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Kubernetes client of a launcher: in-cluster service account, or {@code --kubeconfig} for development. */
public final class Clients {
    private Clients() {}

    /**
     * @param kubeconfig null: the pod's service account (or {@code KUBECONFIG} / {@code ~/.kube/config})
     * @param maxConcurrentRequests cap on parallel API requests (vArmor's {@code --clientRateLimitBurst}, default 300)
     */
    public static KubernetesClient create(Path kubeconfig, int maxConcurrentRequests) {
        Config cfg;
        if (kubeconfig != null) {
            try {
                cfg = Config.fromKubeconfig(Files.readString(kubeconfig));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
            }
        } else {
            cfg = Config.autoConfigure(null);
        }
        cfg.setMaxConcurrentRequests(maxConcurrentRequests);
        cfg.setMaxConcurrentRequestsPerHost(maxConcurrentRequests);
        return new KubernetesClientBuilder().withConfig(cfg).build();
    }
}
