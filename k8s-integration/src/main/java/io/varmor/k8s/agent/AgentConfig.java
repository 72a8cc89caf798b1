package io.varmor.k8s.agent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** Settings of {@code varmor agent} (fluent setters; defaults for a node of a cluster). */
public final class AgentConfig {
    String nodeName = System.getenv("NODE_NAME");
    Set<String> enabledEnforcers;
    Path procRoot = Path.of("/proc");
    Path cgroupRoot = Path.of("/sys/fs/cgroup");
    List<Path> runtimeRoots = List.of(Path.of("/run/containerd"), Path.of("/run/containers/storage"));
    Path seccompDir = Path.of("/var/lib/kubelet/seccomp");
    Supplier<URI> statusEndpoint = () -> URI.create("https://varmor-status-svc.varmor.svc:8080");
    StatusReporter.TokenSource token;
    Supplier<SSLContext> statusTls;
    Duration heartbeat = Duration.ofSeconds(30);
    Duration coalesce = Duration.ofMillis(200);
    Duration backoffBase = Duration.ofSeconds(1);
    Duration rescan = Duration.ofSeconds(2);
    Duration modelingCheck = Duration.ofSeconds(30);
    Path modelStateDir = Path.of("/var/log/varmor/behavior");
    java.util.function.LongSupplier clock = System::currentTimeMillis;
    int eventBurst = 10;
    Duration eventRefill = Duration.ofSeconds(10);
    int readinessPort = 9580;
    boolean discoverContainers = true;
    boolean serverSideNodeFilter = true;
    java.util.Map<String, String> auditMetadata = java.util.Map.of("varmorNamespace", System.getenv().getOrDefault("POD_NAMESPACE", "varmor"));
    boolean unloadOnExit;
    boolean removeSeccompOnExit;

    /** {@code NODE_NAME} (downward API). */
    public AgentConfig nodeName(String v) {
        nodeName = v;
        return this;
    }

    /** Enforcers this agent may use ({@code --enableBpfEnforcer} …); null: every installed plugin. */
    public AgentConfig enabledEnforcers(Set<String> v) {
        enabledEnforcers = v;
        return this;
    }

    /** Host paths as mounted in the agent: {@code /proc} (hostPID), {@code /sys/fs/cgroup}, runtime state roots. */
    public AgentConfig hostPaths(Path proc, Path cgroup, List<Path> runtimes) {
        procRoot = proc;
        cgroupRoot = cgroup;
        runtimeRoots = runtimes;
        return this;
    }

    /** The kubelet's seccomp directory (default {@code /var/lib/kubelet/seccomp}). */
    public AgentConfig seccompDir(Path v) {
        seccompDir = v;
        return this;
    }

    /** The leader's status service, trust for its CA ({@code io.varmor.k8s.tls.TrustFile}), and the agent's token. */
    public AgentConfig status(Supplier<URI> endpoint, Supplier<SSLContext> tls, StatusReporter.TokenSource tokenSource) {
        statusEndpoint = endpoint;
        statusTls = tls;
        token = tokenSource;
        return this;
    }

    /** Snapshot period (default 30 s), change coalescing (200 ms) and retry backoff base (1 s). */
    public AgentConfig statusTimings(Duration heartbeatEvery, Duration coalesceFor, Duration backoff) {
        heartbeat = heartbeatEvery;
        coalesce = coalesceFor;
        backoffBase = backoff;
        return this;
    }

    /** How often finished behaviour-modelling runs are looked for (vArmor: 30 s), and the clock they are timed by. */
    public AgentConfig modeling(Duration check, java.util.function.LongSupplier millisClock) {
        modelingCheck = check;
        clock = millisClock;
        return this;
    }

    /**
     * Where unfinished behaviour recordings are kept so that they survive an agent restart (default
     * {@code /var/log/varmor/behavior}, on the node's {@code /var/log} the chart mounts; null: kept in memory only).
     */
    public AgentConfig modelStateDir(Path dir) {
        modelStateDir = dir;
        return this;
    }

    /** Full {@code /proc} rescan period (default 2 s; new cgroups are caught at once by inotify). */
    public AgentConfig rescan(Duration v) {
        rescan = v;
        return this;
    }

    /** Violation Events per pod: {@code burst}, then one per {@code refill} (default 10, 10 s). */
    public AgentConfig eventRate(int burst, Duration refill) {
        eventBurst = burst;
        eventRefill = refill;
        return this;
    }

    /** Readiness endpoint port (default 9580; -1: none). */
    public AgentConfig readinessPort(int v) {
        readinessPort = v;
        return this;
    }

    /** Whether to discover and bind containers (off: profiles only, e.g. nodes without hostPID). */
    public AgentConfig discoverContainers(boolean v) {
        discoverContainers = v;
        return this;
    }

    /** Watch only this node's pods with a field selector (default); off for API servers without field selectors. */
    public AgentConfig serverSideNodeFilter(boolean v) {
        serverSideNodeFilter = v;
        return this;
    }

    /** vArmor's {@code --unloadAllAaProfiles} and {@code --removeAllSeccompProfiles} (default: keep both on exit). */
    public AgentConfig cleanupOnExit(boolean unloadNodeProfiles, boolean removeSeccompProfiles) {
        unloadOnExit = unloadNodeProfiles;
        removeSeccompOnExit = removeSeccompProfiles;
        return this;
    }

    /** Helm's {@code auditEventMetadata} (env {@code AUDIT_EVENT_METADATA}); {@code varmorNamespace} is always added. */
    public AgentConfig auditMetadata(java.util.Map<String, String> extra, String varmorNamespace) {
        java.util.Map<String, String> m = new java.util.TreeMap<>(extra);
        m.put("varmorNamespace", varmorNamespace);
        auditMetadata = java.util.Map.copyOf(m);
        return this;
    }

    public Duration heartbeat() {
        return heartbeat;
    }
}
