package io.varmor.k8s.launch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.core.plugin.Plugins;
import io.varmor.k8s.operator.Operator;
import io.varmor.k8s.operator.OperatorConfig;
import io.varmor.k8s.operator.PreDelete;
import io.varmor.k8s.status.TokenReviewAuthenticator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/** {@code varmor operator}: runs one manager replica until SIGTERM or lost leadership. */
public final class OperatorLauncher {
    private static final Logger LOG = Logger.getLogger(OperatorLauncher.class.getName());

    private OperatorLauncher() {}

    /**
     * Runs the operator (or, with {@code preDelete}, the chart's pre-delete clean-up) and returns the exit code:
     * 0 after SIGTERM or a finished pre-delete, 1 after leadership was lost (Kubernetes restarts the pod).
     *
     * @param agentHeartbeat the agents' {@code --statusHeartbeat} (default 30 s)
     */
    public static int run(OperatorConfig cfg, Plugins plugins, Path kubeconfig, int maxConcurrentRequests,
                          Duration agentHeartbeat, boolean preDelete) {
        try (KubernetesClient client = Clients.create(kubeconfig, maxConcurrentRequests)) {
            if (preDelete) {
                PreDelete.run(client, Duration.ofSeconds(5));
                return 0;
            }
            Operator op = new Operator(client, plugins, cfg,
                    new TokenReviewAuthenticator(client, cfg.namespace(), "varmor-agent", Duration.ofHours(24)), agentHeartbeat);
            AtomicBoolean signalled = new AtomicBoolean();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                signalled.set(true);
                op.close(); // releases the Lease, so a standby takes over at once
            }, "varmor-shutdown"));
            op.start();
            op.terminated().join();
            if (signalled.get()) {
                return 0;
            }
            LOG.warning("operator " + cfg.identity() + " lost leadership; exiting so that Kubernetes restarts it as a follower");
            op.close();
            return 1;
        }
    }
}
