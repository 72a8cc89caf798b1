package io.varmor.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.k8s.HttpEndpoint;
import io.varmor.k8s.metrics.VarmorMetrics;
import io.varmor.k8s.status.AgentAuthenticator;
import io.varmor.k8s.status.StatusService;
import io.varmor.k8s.webhook.AdmissionWebhooks;
import io.varmor.k8s.webhook.KubeVersion;
import io.varmor.k8s.webhook.Mutator;
import io.varmor.k8s.webhook.PolicyAdmission;
import io.varmor.k8s.webhook.PolicyIndex;
import java.time.Duration;
import io.varmor.k8s.tls.ServingCertificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * {@code varmor operator}: one manager replica. Every replica serves the admission webhooks (HTTPS) and, when
 * enabled, metrics; the replica holding the {@code varmor-manager} Lease also runs the policy controllers and accepts
 * agents' status reports. Losing the Lease stops the leader's work and completes {@link #terminated()} (the CLI exits,
 * as vArmor does, and Kubernetes restarts the pod as a follower).
 */
public final class Operator implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Operator.class.getName());

    private final KubernetesClient client;
    private final OperatorConfig cfg;
    private final PolicyCompiler compiler;
    private final AgentAuthenticator auth;
    private final VarmorMetrics metrics = new VarmorMetrics();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Duration agentHeartbeat;
    private BooleanSupplier appArmorGA;
    private PolicyInformers informers;
    private PolicyIndex index;
    private HttpEndpoint webhook;
    private HttpEndpoint status;
    private HttpEndpoint metricsEndpoint;
    private KubeVersion version;
    private WebhookCertificates certificates;
    private ServingCertificate serving;
    private CompletableFuture<?> election;
    private volatile LeaderSession session;

    /**
     * @param auth how agents are authenticated on the status channel ({@link io.varmor.k8s.status.TokenReviewAuthenticator} in a cluster)
     * @param agentHeartbeat how often agents send snapshots (their {@code --statusHeartbeat}); agents silent for 4× are dropped
     */
    public Operator(KubernetesClient client, Plugins plugins, OperatorConfig cfg, AgentAuthenticator auth, Duration agentHeartbeat) {
        this.client = client;
        this.cfg = cfg;
        this.compiler = new PolicyCompiler(plugins, cfg.compileOptions());
        this.auth = auth;
        this.agentHeartbeat = agentHeartbeat;
    }

    /** Overrides the Kubernetes-version probe (tests, or a cluster whose /version is not readable). */
    public Operator appArmorGA(BooleanSupplier ga) {
        this.appArmorGA = ga;
        return this;
    }

    public Operator start() {
        if (cfg.tls != null) {
            serving = cfg.tls;
        } else {
            serving = ServingCertificate.pending();
            certificates = new WebhookCertificates(client, cfg.namespace, cfg.certificateSecret, List.of(cfg.mutatingWebhookConfig),
                    List.of(cfg.validatingWebhookConfig), serving).start(Duration.ofSeconds(10));
        }
        informers = new PolicyInformers(client);
        index = new PolicyIndex(cfg.namespace);
        informers.addHandler(index);
        informers.start();
        if (appArmorGA == null) {
            version = new KubeVersion(client, cfg.appArmorGaRecheck);
            appArmorGA = version;
        }
        Mutator mutator = new Mutator(index, appArmorGA, cfg.webhookMatchLabel, cfg.bpfExclusiveMode, Conditions::now);
        webhook = HttpEndpoint.create("webhook", cfg.webhookPort, serving.sslContext(), 4);
        new AdmissionWebhooks(mutator, new PolicyAdmission(compiler), metrics).register(webhook);
        webhook.start();
        status = HttpEndpoint.create("status", cfg.statusPort, serving.sslContext(), 2);
        StatusService statusService = new StatusService(auth, () -> Optional.ofNullable(session).map(LeaderSession::epoch), (node, report) -> {
            LeaderSession s = session;
            if (s != null) {
                s.accept(node, report);
            }
        });
        if (cfg.enableBehaviorModeling) {
            statusService.withModelData((node, data) -> {
                LeaderSession s = session;
                if (s == null) {
                    throw new IllegalStateException("not the leader");
                }
                s.acceptData(node, data);
            }).withModelExport(cfg.modelAccess != null ? cfg.modelAccess : io.varmor.k8s.status.ModelAccess.of(client),
                    new io.varmor.k8s.status.ModelEndpoint() {
                        @Override
                        public Optional<?> get(String namespace, String name) {
                            LeaderSession s = session;
                            return s == null ? Optional.empty() : s.model(new ProfileRef(namespace, name));
                        }

                        @Override
                        public Object importModel(String namespace, String name, byte[] json) {
                            LeaderSession s = session;
                            if (s == null) {
                                throw new IllegalStateException("not the leader");
                            }
                            return s.importModel(new ProfileRef(namespace, name), json);
                        }
                    });
        }
        statusService.register(status);
        status.start();
        if (cfg.enableMetrics) {
            metricsEndpoint = HttpEndpoint.create("metrics", cfg.metricsPort, null, 1).handle("/metrics", metrics::handle).start();
        }
        startElection();
        return this;
    }

    private Duration[] electionTimings;
    private volatile boolean closing;

    private void startElection() {
        int nodes = cfg.leaseDuration == null || cfg.statusFlushInterval == null ? countNodes() : 0;
        ClusterScale scale = new ClusterScale(nodes);
        Duration[] t = scale.leaseTimings();
        Duration lease = cfg.leaseDuration != null ? cfg.leaseDuration : t[0];
        Duration renew = cfg.renewDeadline != null ? cfg.renewDeadline : t[1];
        Duration retry = cfg.retryPeriod != null ? cfg.retryPeriod : t[2];
        Duration flush = cfg.statusFlushInterval != null ? cfg.statusFlushInterval : scale.statusFlushInterval();
        Duration warmup = cfg.statusWarmup != null ? cfg.statusWarmup : agentHeartbeat.multipliedBy(3);
        electionTimings = new Duration[] {lease, renew, retry, flush, warmup};
        elect();
    }

    /** Runs (or re-runs, after leadership was lost without exiting) the election. */
    private void elect() {
        Duration lease = electionTimings[0];
        Duration renew = electionTimings[1];
        Duration retry = electionTimings[2];
        Duration flush = electionTimings[3];
        Duration warmup = electionTimings[4];
        election = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(cfg.leaseName)
                .withLock(new LeaseLock(cfg.namespace, cfg.leaseName, cfg.identity))
                .withLeaseDuration(lease).withRenewDeadline(renew).withRetryPeriod(retry)
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> lead(flush, warmup), this::follow,
                        leader -> LOG.info(cfg.identity + ": the leader is " + leader)))
                .build()).build().start();
    }

    private int countNodes() {
        try {
            return (int) client.nodes().list().getItems().stream()
                    .filter(n -> n.getMetadata().getLabels() == null
                            || !"virtual-node".equals(n.getMetadata().getLabels().get("node.kubernetes.io/instance-type")))
                    .count();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private synchronized void lead(Duration flush, Duration warmup) {
        LOG.info(cfg.identity + ": leading");
        if (certificates != null && cfg.manageCertificates) {
            certificates.manage();
        }
        session = new LeaderSession(client, cfg, compiler, informers, metrics, agentHeartbeat).start(flush, warmup);
    }

    private synchronized void follow() {
        LeaderSession s = session;
        session = null;
        if (s != null) {
            LOG.info(cfg.identity + ": lost leadership");
            s.close();
            if (cfg.exitOnLeadershipLoss) {
                terminated.complete(null);
            } else if (!closing) {
                Thread t = new Thread(this::elect, "varmor-reelect");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    public boolean isLeader() {
        return session != null;
    }

    /** Controller and status-writer work not done yet on the leader (0 on followers). */
    public int backlog() {
        LeaderSession s = session;
        return s == null ? 0 : s.backlog();
    }

    public int webhookPort() {
        return webhook.port();
    }

    public int statusPort() {
        return status.port();
    }

    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    public VarmorMetrics metrics() {
        return metrics;
    }

    public PolicyIndex policyIndex() {
        return index;
    }

    /** Completes when this replica stops for good (closed, or leadership lost with {@code exitOnLeadershipLoss}). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    @Override
    public void close() {
        closing = true;
        if (election != null) {
            election.cancel(true);
        }
        follow();
        if (webhook != null) {
            webhook.close();
        }
        if (status != null) {
            status.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (version != null) {
            version.close();
        }
        if (certificates != null) {
            certificates.close();
        }
        if (informers != null) {
            informers.close();
        }
        terminated.complete(null);
    }
}
