package io.varmor.cli;

import io.varmor.k8s.launch.Flags;
import io.varmor.k8s.launch.OperatorLauncher;
import io.varmor.k8s.operator.OperatorConfig;
import io.varmor.k8s.tls.ServingCertificate;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code varmor operator}: the Kubernetes manager. Flags mirror vArmor's manager where they exist. */
@Command(name = "operator", mixinStandardHelpOptions = true,
        description = "Run the Kubernetes manager: admission webhooks on every replica; policy controllers and the agents' "
                + "status service on the leader (Lease). Exit 1 when leadership is lost (Kubernetes restarts it as a follower).")
final class OperatorCommand implements Callable<Integer> {
    @Option(names = "--namespace", defaultValue = "${env:POD_NAMESPACE:-varmor}", description = "Namespace varmor runs in.")
    String namespace;
    @Option(names = "--preDelete", description = "Delete every policy and exit (Helm pre-delete hook).")
    boolean preDelete;
    @Option(names = "--enableMetrics")
    boolean metrics;
    @Option(names = "--enableBehaviorModeling")
    boolean modeling;
    @Option(names = "--model-dir", defaultValue = "/var/log/varmor/apmdata",
            description = "where models too large for one ArmorProfileModel object are kept (storageType LocalDisk)")
    java.nio.file.Path modelDir;
    @Option(names = "--max-model-object-bytes", defaultValue = "1000000",
            description = "serialized size above which a model is kept in --model-dir")
    int maxModelBytes;
    @Option(names = "--restartExistWorkloads")
    boolean restart;
    @Option(names = "--bpfExclusiveMode")
    boolean bpfExclusive;
    @Option(names = "--webhookMatchLabel", defaultValue = "sandbox.varmor.org/enable=true")
    String matchLabel;
    @Option(names = "--webhookTimeout", defaultValue = "10", description = "Accepted for compatibility; the chart sets the timeout.")
    int webhookTimeout;
    @Option(names = "--statusUpdateCycle", defaultValue = "2h")
    String cycle;
    @Option(names = "--statusHeartbeat", defaultValue = "30s")
    String heartbeat;
    @Option(names = "--controllerWorkers", defaultValue = "4")
    int workers;
    @Option(names = "--certificate-secret", defaultValue = "varmor-webhook-tls")
    String secret;
    @Option(names = "--manage-certificates", defaultValue = "true", arity = "1")
    boolean manage;
    @Option(names = "--tls-cert")
    Path cert;
    @Option(names = "--tls-key")
    Path key;
    @Option(names = "--kubeconfig")
    Path kubeconfig;
    @Option(names = "--clientRateLimitBurst", defaultValue = "300")
    int burst;
    @Option(names = "--logFormat", defaultValue = "text")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        OperatorConfig c = new OperatorConfig().namespace(namespace).enableMetrics(metrics).enableBehaviorModeling(modeling)
                .modelStorage(modelDir, maxModelBytes)
                .restartExistingWorkloads(restart).bpfExclusiveMode(bpfExclusive).webhookMatchLabel(matchLabel)
                .statusUpdateCycle(Flags.duration(cycle)).controllerWorkers(workers).certificateSecret(secret, manage);
        if (cert != null) {
            c.tls(ServingCertificate.fromFiles(cert, key));
        }
        return OperatorLauncher.run(c, Cli.plugins(), kubeconfig, burst, Flags.duration(heartbeat), preDelete);
    }
}
