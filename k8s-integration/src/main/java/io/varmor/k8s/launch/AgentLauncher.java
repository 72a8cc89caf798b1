package io.varmor.k8s.launch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.core.engine.NodeProbe;
import io.varmor.core.events.JsonLinesSink;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.k8s.agent.Agent;
import io.varmor.k8s.agent.AgentConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** {@code varmor agent}: runs the node agent until SIGTERM. */
public final class AgentLauncher {
    private static final Logger LOG = Logger.getLogger(AgentLauncher.class.getName());

    private AgentLauncher() {}

    /**
     * Probes the node (mounting securityfs/bpffs when missing), starts the agent and blocks until SIGTERM.
     *
     * @param violationsLog vArmor's {@code /var/log/varmor/violations.log} (10 MB × 3 rotation); null: none
     */
    public static int run(AgentConfig cfg, Plugins plugins, Path kubeconfig, int maxConcurrentRequests, Path violationsLog) {
        NodeProbe probe = new NodeProbe();
        probe.mountMissingFilesystems().forEach(m -> LOG.info("mounted " + m));
        NodeCapabilities caps = probe.probe();
        LOG.info("node: kernel " + caps.kernelRelease() + ", LSMs " + caps.activeLsms() + ", " + caps.facts());
        try (KubernetesClient client = Clients.create(kubeconfig, maxConcurrentRequests)) {
            Agent agent = new Agent(client, plugins, caps, cfg);
            JsonLinesSink log = violationsLog == null ? null
                    : new JsonLinesSink(violationsLog, JsonLinesSink.DEFAULT_MAX_BYTES, JsonLinesSink.DEFAULT_BACKUPS);
            if (log != null) {
                agent.addEventSink(log);
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                agent.close();
                try {
                    if (log != null) {
                        log.close();
                    }
                } catch (java.io.IOException e) {
                    LOG.warning("closing the violation log: " + e.getMessage());
                }
                stopped.countDown();
            }, "varmor-shutdown"));
            agent.start();
            stopped.await();
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
