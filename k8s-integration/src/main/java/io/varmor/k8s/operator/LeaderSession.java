package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.varmor.api.meta.Condition;
import io.varmor.api.profile.ArmorProfileStatus;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.k8s.metrics.VarmorMetrics;
import io.varmor.k8s.model.ArmorProfileResource;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.status.NodeReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything that runs only while this replica leads: the policy controller, the status aggregator and its periodic
 * flush (ArmorProfile and policy status), and the {@code identity=leader} pod label the status Service selects.
 */
final class LeaderSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaderSession.class.getName());

    private final KubernetesClient client;
    private final OperatorConfig cfg;
    private final String epoch;
    private final PolicyStatusBook book;
    private final StatusAggregator aggregator;
    private final PolicyController controller;
    private final ModelStore models;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "varmor-status-flush");
        t.setDaemon(true);
        return t;
    });
    private volatile int desiredCache = -1;

    LeaderSession(KubernetesClient client, OperatorConfig cfg, PolicyCompiler compiler, PolicyInformers informers,
                  VarmorMetrics metrics, Duration agentHeartbeat) {
        this.client = client;
        this.cfg = cfg;
        this.epoch = cfg.identity + "@" + System.currentTimeMillis();
        this.book = new PolicyStatusBook(client);
        this.aggregator = new StatusAggregator(this::desiredAgents, this::publish,
                (node, ok, changed) -> metrics.profileProcessed(node, ok, changed), agentHeartbeat.toMillis() * 4, System::currentTimeMillis);
        this.models = cfg.enableBehaviorModeling ? new ModelStore(client, compiler.plugins(), this::desiredAgents,
                new ModelStore.Storage(cfg.modelDir, cfg.maxModelObjectBytes), ref -> {
            aggregator.modelCompleted(ref);
            controllerRequeueAll();
        }) : null;
        this.controller = new PolicyController(client, cfg, compiler, informers, book, aggregator, models);
    }

    LeaderSession start(Duration flush, Duration warmup) {
        labelLeader();
        aggregator.warmUp(warmup.toMillis());
        controller.start();
        timer.scheduleWithFixedDelay(this::flush, flush.toMillis(), flush.toMillis(), TimeUnit.MILLISECONDS);
        long cycle = cfg.statusUpdateCycle.toMillis();
        timer.scheduleWithFixedDelay(this::nudgeLagging, cycle, cycle, TimeUnit.MILLISECONDS);
        return this;
    }

    String epoch() {
        return epoch;
    }

    void accept(String node, NodeReport report) {
        aggregator.accept(node, report);
    }

    /** A node's behaviour data ({@code POST /apis/v1/data}); refused when modelling is not enabled. */
    /** A behaviour model with its data (LocalDisk data read from this leader's disk); empty when there is none. */
    java.util.Optional<io.varmor.api.ArmorProfileModel> model(ProfileRef ref) {
        return models == null ? java.util.Optional.empty() : models.get(ref);
    }

    /** Imports a model (ArmorProfileModel JSON); see {@link ModelStore#importModel}. */
    io.varmor.api.ArmorProfileModel importModel(ProfileRef ref, byte[] json) {
        if (models == null) {
            throw new IllegalStateException("behaviour modelling is not enabled (--enableBehaviorModeling)");
        }
        io.varmor.api.ArmorProfileModel in;
        try {
            in = io.varmor.k8s.model.KubeJson.mapper().readValue(json, io.varmor.api.ArmorProfileModel.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (in == null || in.data() == null) {
            throw new IllegalArgumentException("an ArmorProfileModel with data is required");
        }
        io.varmor.api.ArmorProfileModel stored = models.importModel(ref, in);
        controllerRequeueAll(); // policies waiting for this model can compile now
        return stored;
    }

    void acceptData(String node, io.varmor.k8s.status.BehaviorData data) {
        if (models == null) {
            throw new IllegalStateException("behaviour modelling is not enabled (--enableBehaviorModeling)");
        }
        models.accept(node, data);
    }

    private void controllerRequeueAll() {
        controller.requeueAll(); // DefenseInDepth policies waiting for this model can compile now
    }

    int backlog() {
        return controller.backlog() + book.backlog();
    }

    private void flush() {
        try {
            desiredCache = readDesired();
            aggregator.flush();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "status flush failed: " + e.getMessage(), e);
        }
    }

    /** {@code --statusUpdateCycle}: asks every agent to re-process profiles some agents have not loaded. */
    void nudgeLagging() {
        for (ProfileRef ref : aggregator.lagging()) {
            try {
                client.resources(ArmorProfileResource.class).inNamespace(ref.namespace()).withName(ref.name()).edit(ap -> {
                    Map<String, String> a = new java.util.HashMap<>(ap.getMetadata().getAnnotations() == null ? Map.of() : ap.getMetadata().getAnnotations());
                    long n = Long.parseLong(a.getOrDefault(io.varmor.k8s.Names.RECONCILE_COUNTER, "0").replaceAll("[^0-9]", "0"));
                    a.put(io.varmor.k8s.Names.RECONCILE_COUNTER, Long.toString(n + 1));
                    ap.getMetadata().setAnnotations(a);
                    return ap;
                });
            } catch (KubernetesClientException e) {
                LOG.fine("cannot nudge " + ref + ": " + e.getMessage());
            }
        }
    }

    private int desiredAgents() {
        return desiredCache >= 0 ? desiredCache : aggregator.liveAgents().size();
    }

    /** The agent DaemonSet's desiredNumberScheduled; -1 when there is no DaemonSet (development: count live agents). */
    private int readDesired() {
        try {
            DaemonSet ds = client.apps().daemonSets().inNamespace(cfg.namespace).withName(cfg.agentDaemonSet).get();
            if (ds != null && ds.getStatus() != null && ds.getStatus().getDesiredNumberScheduled() != null) {
                return ds.getStatus().getDesiredNumberScheduled();
            }
        } catch (KubernetesClientException e) {
            LOG.fine("cannot read DaemonSet " + cfg.agentDaemonSet + ": " + e.getMessage());
        }
        return -1;
    }

    private void publish(ProfileRef ref, PolicyKey owner, LoadResult r) {
        List<Condition> conditions = new ArrayList<>();
        String now = Conditions.now();
        for (Map.Entry<String, String> f : r.failures().entrySet()) {
            conditions.add(new Condition("Ready", "False", now, "Error", f.getValue(), f.getKey()));
        }
        ArmorProfileStatus s = new ArmorProfileStatus(r.desired(), r.current(), conditions);
        String patch = StatusPatch.replaceStatus(s);
        try {
            client.resources(ArmorProfileResource.class).inNamespace(ref.namespace()).withName(ref.name())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warning("cannot write the status of ArmorProfile " + ref + ": " + e.getMessage());
            }
            if (e.getCode() == 404) {
                return;
            }
        }
        book.loaded(owner, ref, r);
    }

    /** vArmor: the leader labels its own pod {@code identity=leader} after removing the label from the others. */
    private void labelLeader() {
        if (cfg.podName == null) {
            return;
        }
        try {
            for (Pod p : client.pods().inNamespace(cfg.namespace).withLabel("identity", "leader").list().getItems()) {
                if (!p.getMetadata().getName().equals(cfg.podName)) {
                    client.pods().inNamespace(cfg.namespace).withName(p.getMetadata().getName())
                            .edit(x -> {
                                x.getMetadata().getLabels().remove("identity");
                                return x;
                            });
                }
            }
            client.pods().inNamespace(cfg.namespace).withName(cfg.podName).edit(x -> {
                x.getMetadata().getLabels().put("identity", "leader");
                return x;
            });
        } catch (KubernetesClientException e) {
            LOG.warning("cannot label the leader pod " + cfg.podName + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        controller.close();
        book.close();
    }
}
