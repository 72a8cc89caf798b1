package io.varmor.cli;

import io.varmor.k8s.agent.AgentConfig;
import io.varmor.k8s.agent.FileToken;
import io.varmor.k8s.launch.AgentLauncher;
import io.varmor.k8s.launch.Flags;
import io.varmor.k8s.tls.TrustFile;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code varmor agent}: the node agent (DaemonSet). */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the node agent: watch ArmorProfiles, bind this node's containers through the node engine, "
                + "report load status for this node, emit violation events.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--enforcers", split = ",", defaultValue = "AppArmor,Seccomp")
    List<String> enforcers;
    @Option(names = "--enableBpfEnforcer")
    boolean bpf;
    @Option(names = "--status-url", defaultValue = "https://varmor-status-svc.${env:POD_NAMESPACE:-varmor}.svc:8080")
    URI url;
    @Option(names = "--status-ca", defaultValue = "/etc/varmor/ca/ca.crt")
    Path ca;
    @Option(names = "--token-file", defaultValue = "/var/run/secrets/tokens/bound-token")
    Path token;
    @Option(names = "--statusHeartbeat", defaultValue = "30s")
    String heartbeat;
    @Option(names = "--runtime-state-dir", split = ",", defaultValue = "/run/containerd,/run/containers/storage")
    List<Path> runtimes;
    @Option(names = "--seccomp-dir", defaultValue = "/var/lib/kubelet/seccomp")
    Path seccomp;
    @Option(names = "--rescan", defaultValue = "2s")
    String rescan;
    @Option(names = "--readinessPort", defaultValue = "${env:AGENT_READINESS_PORT:-9580}")
    int readiness;
    @Option(names = "--violation-events", defaultValue = "10/10s")
    String events;
    @Option(names = "--violations-log", defaultValue = "/var/log/varmor/violations.log")
    Path log;
    @Option(names = "--model-state-dir", defaultValue = "/var/log/varmor/behavior",
            description = "where unfinished behaviour recordings are kept across agent restarts")
    Path modelState;
    @Option(names = "--unloadAllAaProfiles")
    boolean unload;
    @Option(names = "--removeAllSeccompProfiles")
    boolean removeSeccomp;
    @Option(names = "--kubeconfig")
    Path kubeconfig;
    @Option(names = "--logFormat", defaultValue = "text")
    String logFormat;
    @Option(names = "--verbosity", defaultValue = "0")
    int verbosity;

    @Override
    public Integer call() {
        LinkedHashSet<String> enabled = new LinkedHashSet<>(enforcers);
        if (bpf) {
            enabled.add("BPF");
        }
        long[] rate = Flags.eventRate(events);
        String ns = System.getenv().getOrDefault("POD_NAMESPACE", "varmor");
        AgentConfig c = new AgentConfig().enabledEnforcers(enabled)
                .hostPaths(Path.of("/proc"), Path.of("/sys/fs/cgroup"), runtimes).seccompDir(seccomp).modelStateDir(modelState)
                .status(() -> url, new TrustFile(ca), new FileToken(token))
                .statusTimings(Flags.duration(heartbeat), Duration.ofMillis(200), Duration.ofSeconds(1))
                .rescan(Flags.duration(rescan)).readinessPort(readiness).cleanupOnExit(unload, removeSeccomp)
                .eventRate((int) rate[0], Duration.ofMillis(rate[1]))
                .auditMetadata(Flags.metadata(System.getenv("AUDIT_EVENT_METADATA")), ns);
        return AgentLauncher.run(c, Cli.plugins(), kubeconfig, 300, log);
    }
}
