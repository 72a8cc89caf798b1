package io.varmor.k8s.agent;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.varmor.api.profile.Profile;
import io.varmor.k8s.Names;
import io.varmor.k8s.model.ArmorProfileResource;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.operator.KeyQueue;
import io.varmor.k8s.operator.ProfileRef;
import io.varmor.k8s.status.ProfileReport;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The agent's ArmorProfile controller (spec §1.6): an informer on every namespace (the agent may only
 * get/list/watch ArmorProfiles), one worker; a profile is (re)processed when it is added, when its spec or its
 * {@code profile-reconcile-counter} annotation changes, and unloaded when it is deleted. Each result is reported for
 * this node: {@code succeeded}/{@code Ready}, or {@code failed} with every enforcer's reason.
 */
public final class ProfileSync implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProfileSync.class.getName());

    private final NodeEnforcement enforcement;
    private final ContainerBinder binder;
    private final StatusReporter reporter;
    private final SharedIndexInformer<ArmorProfileResource> informer;
    private final KeyQueue<ProfileRef> queue;
    private final Map<ProfileRef, NodeEnforcement.Loaded> loaded = new ConcurrentHashMap<>();
    private final Map<String, EventEnricher.Owner> owners = new ConcurrentHashMap<>();

    private volatile BehaviorCollector modeller;

    /** Records behaviour for profiles in BehaviorModeling mode. */
    public ProfileSync modeller(BehaviorCollector c) {
        this.modeller = c;
        return this;
    }

    public ProfileSync(KubernetesClient client, NodeEnforcement enforcement, ContainerBinder binder, StatusReporter reporter) {
        this.enforcement = enforcement;
        this.binder = binder;
        this.reporter = reporter;
        this.queue = new KeyQueue<>("profile-sync", this::process, 5);
        this.informer = client.resources(ArmorProfileResource.class).inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ArmorProfileResource obj) {
                queue.add(ref(obj));
            }

            @Override
            public void onUpdate(ArmorProfileResource old, ArmorProfileResource now) {
                if (!Objects.equals(old.getSpec(), now.getSpec()) || !Objects.equals(counter(old), counter(now))) {
                    queue.add(ref(now));
                }
            }

            @Override
            public void onDelete(ArmorProfileResource obj, boolean unknown) {
                queue.add(ref(obj));
            }
        });
    }

    private static ProfileRef ref(ArmorProfileResource ap) {
        return new ProfileRef(ap.getMetadata().getNamespace(), ap.getMetadata().getName());
    }

    private static String counter(ArmorProfileResource ap) {
        return ap.getMetadata().getAnnotations() == null ? null : ap.getMetadata().getAnnotations().get(Names.RECONCILE_COUNTER);
    }

    /** Starts the informer; every existing profile is processed before containers are bound (vArmor's order). */
    public ProfileSync start() {
        informer.start().toCompletableFuture().join();
        return this;
    }

    /** Profiles processed and waiting. */
    public int backlog() {
        return queue.depth();
    }

    /** The policy owning a profile (for violation events). */
    public Optional<EventEnricher.Owner> owner(String profile) {
        return Optional.ofNullable(owners.get(profile));
    }

    boolean process(ProfileRef ref) {
        ArmorProfileResource ap = informer.getStore().getByKey(Cache.namespaceKeyFunc(ref.namespace(), ref.name()));
        if (ap == null) {
            NodeEnforcement.Loaded l = loaded.remove(ref);
            binder.profileRemoved(ref.name());
            if (l != null) {
                enforcement.unload(l);
            }
            owners.remove(ref.name());
            reporter.remove(ref.namespace(), ref.name());
            if (modeller != null) {
                modeller.notModeling(ref.name());
            }
            return true;
        }
        String hash = KubeJson.specHash(ap.getSpec());
        Profile p = ap.getSpec() == null ? null : ap.getSpec().profile();
        if (p == null || !ref.name().equals(p.name())) {
            reporter.set(new ProfileReport(ref.namespace(), ref.name(), hash, ProfileReport.FAILED,
                    "the ArmorProfile name must equal spec.profile.name"));
            return true;
        }
        for (OwnerReference o : ap.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(o.getController())) {
                owners.put(p.name(), new EventEnricher.Owner(o.getKind(), o.getName(),
                        "VarmorClusterPolicy".equals(o.getKind()) ? "" : ref.namespace()));
            }
        }
        NodeEnforcement.Loaded l = enforcement.load(p, loaded.get(ref));
        loaded.put(ref, l);
        binder.profileLoaded(p.name(), l.ok() ? l.containerScoped() : Map.of());
        if (!l.ok()) {
            LOG.warning("ArmorProfile " + ref + " failed on this node: " + l.message());
        }
        reporter.set(new ProfileReport(ref.namespace(), ref.name(), hash, l.ok() ? ProfileReport.SUCCEEDED : ProfileReport.FAILED, l.message()));
        BehaviorCollector m = modeller;
        if (m != null) {
            var bm = ap.getSpec().behaviorModeling();
            if (l.ok() && bm != null && Boolean.TRUE.equals(bm.enable()) && bm.duration() != null) {
                long created = ap.getMetadata().getCreationTimestamp() == null ? System.currentTimeMillis()
                        : java.time.Instant.parse(ap.getMetadata().getCreationTimestamp()).toEpochMilli();
                m.modeling(ref, hash, created + bm.duration() * 60_000L);
            } else {
                m.notModeling(ref.name());
            }
        }
        return true;
    }

    /**
     * Agent exit (vArmor's {@code --unloadAllAaProfiles} / {@code --removeAllSeccompProfiles}): by default everything
     * stays loaded, so running containers stay confined and restarting pods find their Seccomp profiles; the flags
     * unload the node-scope profiles (AppArmor) and delete the Seccomp files this agent wrote.
     */
    public void shutdown(boolean unloadNodeProfiles, boolean removeSeccompProfiles) {
        close();
        for (NodeEnforcement.Loaded l : loaded.values()) {
            if (unloadNodeProfiles) {
                enforcement.releaseNodeProfiles(l);
            }
            if (removeSeccompProfiles) {
                enforcement.removeSeccomp(l);
            }
        }
    }

    @Override
    public void close() {
        queue.close();
        informer.close();
    }
}
