package io.varmor.k8s.agent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.k8s.HttpEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * {@code varmor agent}: one per node (DaemonSet). Start-up order follows vArmor: load every existing ArmorProfile
 * first, then discover the containers already running and bind them, then report ready.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

    private final KubernetesClient client;
    private final Plugins plugins;
    private final NodeCapabilities caps;
    private final AgentConfig cfg;
    private final List<EventSink> extraSinks = new ArrayList<>();
    private StatusReporter reporter;
    private ProfileSync sync;
    private ContainerMonitor monitor;
    private ContainerBinder binder;
    private ViolationEvents events;
    private BehaviorCollector modeller;
    private HttpEndpoint readiness;
    private volatile boolean ready;

    /** @param caps this node's capabilities ({@code new NodeProbe().probe()} in a cluster) */
    public Agent(KubernetesClient client, Plugins plugins, NodeCapabilities caps, AgentConfig cfg) {
        this.client = client;
        this.plugins = plugins;
        this.caps = caps;
        this.cfg = cfg;
        Objects.requireNonNull(cfg.nodeName, "the agent needs its node name (NODE_NAME)");
        Objects.requireNonNull(cfg.token, "the agent needs a token source");
    }

    /** Also sends violations to {@code sink} (e.g. core's JSON-lines violation log). */
    public Agent addEventSink(EventSink sink) {
        extraSinks.add(sink);
        return this;
    }

    public Agent start() {
        reporter = new StatusReporter(cfg.nodeName, cfg.statusEndpoint, cfg.token, cfg.statusTls, cfg.heartbeat, cfg.coalesce, cfg.backoffBase);
        events = new ViolationEvents(client, cfg.nodeName, cfg.eventBurst, cfg.eventRefill.toMillis(), System::currentTimeMillis);
        List<EventSink> sinks = new ArrayList<>(extraSinks);
        sinks.add(events);
        modeller = new BehaviorCollector(cfg.nodeName, reporter, cfg.clock, cfg.modelingCheck, cfg.modelStateDir);
        sinks.add(modeller);
        EventEnricher[] enricher = new EventEnricher[1];
        EventSink sink = new EventSink() {
            @Override
            public void accept(io.varmor.api.event.ViolationEvent e) {
                enricher[0].accept(e);
            }

            @Override
            public void lost(String enforcer, long count, String reason) {
                enricher[0].lost(enforcer, count, reason);
            }
        };
        binder = new ContainerBinder(plugins, sink, cfg.nodeName);
        NodeEnforcement enforcement = new NodeEnforcement(plugins, caps, cfg.enabledEnforcers, new SeccompProfiles(cfg.seccompDir));
        sync = new ProfileSync(client, enforcement, binder, reporter).modeller(modeller);
        if (cfg.discoverContainers) {
            monitor = new ContainerMonitor(client, cfg.nodeName, new ProcScanner(cfg.procRoot), new RuntimeBundles(cfg.runtimeRoots), cfg.cgroupRoot,
                    cfg.serverSideNodeFilter);
            monitor.addListener(binder);
        }
        enricher[0] = new EventEnricher(cfg.nodeName, ns -> monitor == null ? java.util.Optional.empty() : monitor.byMountNamespace(ns),
                sync::owner, sinks, cfg.auditMetadata);
        sync.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (sync.backlog() > 0 && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        if (monitor != null) {
            monitor.start(cfg.rescan);
        }
        if (cfg.readinessPort >= 0) {
            readiness = HttpEndpoint.create("agent-readiness", cfg.readinessPort, null, 1)
                    .handle("/health/readiness", ex -> HttpEndpoint.respond(ex, ready ? 200 : 503, "text/plain", ready ? "ok" : "starting"))
                    .start();
        }
        ready = true;
        LOG.info("agent on node " + cfg.nodeName + " started");
        return this;
    }

    public boolean ready() {
        return ready;
    }

    public StatusReporter reporter() {
        return reporter;
    }

    public ContainerBinder binder() {
        return binder;
    }

    public ContainerMonitor monitor() {
        return monitor;
    }

    public ViolationEvents events() {
        return events;
    }

    public BehaviorCollector modeller() {
        return modeller;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        ready = false;
        if (readiness != null) {
            readiness.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (sync != null) {
            sync.shutdown(cfg.unloadOnExit, cfg.removeSeccompOnExit);
        }
        if (reporter != null) {
            reporter.close();
        }
        if (events != null) {
            events.close();
        }
        if (modeller != null) {
            modeller.close();
        }
    }
}
