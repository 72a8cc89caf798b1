package io.varmor.k8s.operator;

import io.varmor.core.compile.CompileOptions;
import io.varmor.k8s.Names;
import io.varmor.k8s.tls.ServingCertificate;
import java.time.Duration;

/**
 * Settings of {@code varmor operator}, with vArmor's defaults (flag names in brackets). Fluent setters; unset
 * timings are derived from the cluster size as vArmor does.
 */
public final class OperatorConfig {
    String namespace = "varmor";
    String identity = System.getenv().getOrDefault("POD_NAME", hostName());
    String podName = System.getenv("POD_NAME");
    boolean restartExistingWorkloads = true;
    boolean enableBehaviorModeling = false;
    java.nio.file.Path modelDir = java.nio.file.Path.of("/var/log/varmor/apmdata");
    int maxModelObjectBytes = 1_000_000;
    io.varmor.k8s.status.ModelAccess modelAccess;
    boolean bpfExclusiveMode = false;
    int maxRulesPerKind = 1024;
    int controllerWorkers = 4;
    String webhookMatchLabel = Names.DEFAULT_MATCH_LABEL;
    String leaseName = "varmor-manager";
    Duration leaseDuration;
    Duration renewDeadline;
    Duration retryPeriod;
    Duration statusFlushInterval;
    Duration statusWarmup;
    Duration statusUpdateCycle = Duration.ofHours(2);
    Duration appArmorGaRecheck = Duration.ofMinutes(10);
    String agentDaemonSet = "varmor-agent";
    String agentServiceAccount = "varmor-agent";
    int webhookPort = 3443;
    int statusPort = 8080;
    int metricsPort = 8081;
    boolean enableMetrics = false;
    boolean exitOnLeadershipLoss = true;
    ServingCertificate tls;
    String certificateSecret = "varmor-webhook-tls";
    boolean manageCertificates = true;
    String mutatingWebhookConfig = "varmor-resource-mutating-webhook-cfg";
    String validatingWebhookConfig = "varmor-policy-validating-webhook-cfg";

    /** Namespace varmor runs in; holds cluster policies' ArmorProfiles and the Lease. */
    public OperatorConfig namespace(String v) {
        namespace = v;
        return this;
    }

    /** This replica's leader-election identity (the pod name in a cluster). */
    public OperatorConfig identity(String v) {
        identity = v;
        return this;
    }

    /** This replica's pod, labelled {@code identity=leader} while it leads (null: no label). */
    public OperatorConfig podName(String v) {
        podName = v;
        return this;
    }

    /** {@code --restartExistWorkloads} (default true): honour {@code updateExistingWorkloads}. */
    public OperatorConfig restartExistingWorkloads(boolean v) {
        restartExistingWorkloads = v;
        return this;
    }

    /** {@code --enableBehaviorModeling} (default false). */
    public OperatorConfig enableBehaviorModeling(boolean v) {
        enableBehaviorModeling = v;
        return this;
    }

    /**
     * Where models too large for one object are kept ({@code storageType: LocalDisk}; vArmor's
     * {@code /var/log/varmor/apmdata}), and the serialized size above which a model goes there (default 1,000,000
     * bytes, under etcd's 1.5 MiB request limit; a "request entity too large" answer also sends it there).
     */
    public OperatorConfig modelStorage(java.nio.file.Path dir, int maxObjectBytes) {
        modelDir = dir;
        maxModelObjectBytes = maxObjectBytes;
        return this;
    }

    /** Who may export models from the status service (default: TokenReview + SubjectAccessReview in the cluster). */
    public OperatorConfig modelAccess(io.varmor.k8s.status.ModelAccess v) {
        modelAccess = v;
        return this;
    }

    /** {@code --bpfExclusiveMode} (default false): BPF-protected containers get AppArmor unconfined. */
    public OperatorConfig bpfExclusiveMode(boolean v) {
        bpfExclusiveMode = v;
        return this;
    }

    /** Capacity of each BPF rule table per profile (default 1,024; vArmor 64). */
    public OperatorConfig maxRulesPerKind(int v) {
        maxRulesPerKind = v;
        return this;
    }

    /** Policies processed in parallel by the controller (default 4; vArmor: 1); one policy is never processed twice at once. */
    public OperatorConfig controllerWorkers(int v) {
        controllerWorkers = Math.max(1, v);
        return this;
    }

    /** {@code --webhookMatchLabel} (default {@code sandbox.varmor.org/enable=true}; empty: no label required). */
    public OperatorConfig webhookMatchLabel(String v) {
        webhookMatchLabel = v;
        return this;
    }

    /** Lease timings; null derives them from the node count (spec §1.3). */
    public OperatorConfig leaseTimings(Duration lease, Duration renew, Duration retry) {
        leaseDuration = lease;
        renewDeadline = renew;
        retryPeriod = retry;
        return this;
    }

    /** How often pending status changes are written; null derives it from the node count (2 s below 100 nodes). */
    public OperatorConfig statusFlushInterval(Duration v) {
        statusFlushInterval = v;
        return this;
    }

    /** After gaining leadership, how long to wait for agents' snapshots before writing status (default 3 × heartbeat). */
    public OperatorConfig statusWarmup(Duration v) {
        statusWarmup = v;
        return this;
    }

    /** {@code --statusUpdateCycle} (default 2 h): full status recompute, dropping nodes whose agent is gone. */
    public OperatorConfig statusUpdateCycle(Duration v) {
        statusUpdateCycle = v;
        return this;
    }

    public OperatorConfig agentDaemonSet(String v) {
        agentDaemonSet = v;
        return this;
    }

    public OperatorConfig agentServiceAccount(String v) {
        agentServiceAccount = v;
        return this;
    }

    /** Ports of the webhook (3443), status (8080) and metrics (8081) servers; 0 picks a free port. */
    public OperatorConfig ports(int webhook, int status, int metrics) {
        webhookPort = webhook;
        statusPort = status;
        metricsPort = metrics;
        return this;
    }

    /** {@code --enableMetrics} (default false). */
    public OperatorConfig enableMetrics(boolean v) {
        enableMetrics = v;
        return this;
    }

    /** Exit the process when leadership is lost (vArmor's behaviour; tests keep the JVM). */
    public OperatorConfig exitOnLeadershipLoss(boolean v) {
        exitOnLeadershipLoss = v;
        return this;
    }

    /**
     * Serve the certificate in Secret {@code secret} (default {@code varmor-webhook-tls}); with {@code manage} (default)
     * the leader also creates and renews it and injects its CA into the webhook configurations. Ignored when
     * {@link #tls} is set.
     */
    public OperatorConfig certificateSecret(String secret, boolean manage) {
        certificateSecret = secret;
        manageCertificates = manage;
        return this;
    }

    /** A fixed serving certificate for the webhook and status servers (tests, development) instead of the Secret. */
    public OperatorConfig tls(ServingCertificate v) {
        tls = v;
        return this;
    }

    public String namespace() {
        return namespace;
    }

    public String identity() {
        return identity;
    }

    public String webhookMatchLabel() {
        return webhookMatchLabel;
    }

    public boolean bpfExclusiveMode() {
        return bpfExclusiveMode;
    }

    public CompileOptions compileOptions() {
        return new CompileOptions(namespace, enableBehaviorModeling, maxRulesPerKind);
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "varmor-" + ProcessHandle.current().pid();
        }
    }
}
