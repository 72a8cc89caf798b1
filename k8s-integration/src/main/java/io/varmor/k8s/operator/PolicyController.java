package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.varmor.api.ArmorProfile;
import io.varmor.api.PolicyResource;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.SourceMap;
import io.varmor.api.meta.Condition;
import io.varmor.api.policy.VarmorPolicyStatus;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.ir.Mode;
import io.varmor.k8s.Names;
import io.varmor.k8s.model.ArmorProfileResource;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The policy controllers of both kinds (leader only; {@code --controllerWorkers}, default 4, never two on one policy): a policy is compiled by {@code varmor-core} into its
 * ArmorProfile (owner reference to the policy, finalizer {@code varmor.org/ap-protection}), which is created or, when
 * the compiled spec changed, updated; invalid policies get {@code phase: Error} with the core's field-located
 * messages. Deleting a policy removes the finalizer and the profile, and rolls the workloads when
 * {@code updateExistingWorkloads} asks for it.
 */
public final class PolicyController implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PolicyController.class.getName());

    private final KubernetesClient client;
    private final OperatorConfig cfg;
    private final PolicyCompiler compiler;
    private final PolicyInformers informers;
    private final PolicyStatusBook book;
    private final StatusAggregator aggregator;
    private final WorkloadRoller roller;
    private final Map<PolicyKey, PolicyResource> lastSeen = new ConcurrentHashMap<>();
    private final KeyQueue<PolicyKey> queue;
    private final ResourceEventHandler<HasMetadata> policyHandler;
    private SharedIndexInformer<ArmorProfileResource> profiles;
    private final ModelStore models;

    /** @param models behaviour models (null when modelling is disabled) */
    public PolicyController(KubernetesClient client, OperatorConfig cfg, PolicyCompiler compiler, PolicyInformers informers,
                            PolicyStatusBook book, StatusAggregator aggregator, ModelStore models) {
        this.models = models;
        this.client = client;
        this.cfg = cfg;
        this.compiler = compiler;
        this.informers = informers;
        this.book = book;
        this.aggregator = aggregator;
        this.roller = new WorkloadRoller(client, cfg.webhookMatchLabel);
        this.queue = new KeyQueue<>("policy-controller", this::reconcile, 5, cfg.controllerWorkers);
        this.policyHandler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                queue.add(PolicyKey.of(obj));
            }

            @Override
            public void onUpdate(HasMetadata old, HasMetadata now) {
                if (!Objects.equals(spec(old), spec(now)) || !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
                        || !Objects.equals(old.getMetadata().getUid(), now.getMetadata().getUid())) {
                    queue.add(PolicyKey.of(now));
                }
            }

            @Override
            public void onDelete(HasMetadata obj, boolean unknownFinalState) {
                PolicyKey key = PolicyKey.of(obj);
                lastSeen.put(key, KubeJson.policy(obj));
                queue.add(key);
            }
        };
    }

    private static Object spec(HasMetadata r) {
        return r instanceof VarmorPolicyResource p ? p.getSpec() : ((VarmorClusterPolicyResource) r).getSpec();
    }

    /** Starts watching ArmorProfiles, takes over existing state, and processes every policy. */
    public PolicyController start() {
        profiles = client.resources(ArmorProfileResource.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ArmorProfileResource obj) {
            }

            @Override
            public void onUpdate(ArmorProfileResource old, ArmorProfileResource now) {
                if (!Objects.equals(old.getSpec(), now.getSpec()) || !Objects.equals(old.getMetadata().getFinalizers(), now.getMetadata().getFinalizers())) {
                    ownerOf(now).ifPresent(queue::add);
                }
            }

            @Override
            public void onDelete(ArmorProfileResource obj, boolean unknownFinalState) {
                ownerOf(obj).ifPresent(queue::add);
            }
        }, 0);
        for (HasMetadata p : informers.all()) {
            VarmorPolicyStatus s = KubeJson.policy(p).status();
            book.load(PolicyKey.of(p), s);
        }
        for (ArmorProfileResource ap : profiles.getStore().list()) {
            ownerOf(ap).ifPresent(owner -> {
                ProfileRef ref = new ProfileRef(ap.getMetadata().getNamespace(), ap.getMetadata().getName());
                aggregator.track(ref, owner, KubeJson.specHash(ap.getSpec()), isModeling(ap));
                if (ap.getStatus() != null && ap.getStatus().conditions() != null) {
                    for (Condition c : ap.getStatus().conditions()) {
                        if (c.nodeName() != null && "False".equals(c.status())) {
                            aggregator.seedFailure(ref, c.nodeName(), c.message());
                        }
                    }
                }
            });
        }
        informers.addHandler(policyHandler);
        informers.all().forEach(p -> queue.add(PolicyKey.of(p)));
        return this;
    }

    private static boolean isModeling(ArmorProfileResource ap) {
        return ap.getSpec() != null && ap.getSpec().behaviorModeling() != null && Boolean.TRUE.equals(ap.getSpec().behaviorModeling().enable());
    }

    private java.util.Optional<PolicyKey> ownerOf(ArmorProfileResource ap) {
        for (OwnerReference o : ap.getMetadata().getOwnerReferences()) {
            if (Names.API_VERSION.equals(o.getApiVersion()) && "VarmorPolicy".equals(o.getKind())) {
                return java.util.Optional.of(new PolicyKey(false, ap.getMetadata().getNamespace(), o.getName()));
            }
            if (Names.API_VERSION.equals(o.getApiVersion()) && "VarmorClusterPolicy".equals(o.getKind())) {
                return java.util.Optional.of(new PolicyKey(true, "", o.getName()));
            }
        }
        return java.util.Optional.empty();
    }

    /** Processes every policy again (e.g. after a behaviour model completed). */
    void requeueAll() {
        informers.all().forEach(p -> queue.add(PolicyKey.of(p)));
    }

    /** Keys waiting or being processed. */
    public int backlog() {
        return queue.depth();
    }

    /** Where a policy's ArmorProfile lives (vArmor's naming, as {@code PolicyValidator.profileName}). */
    ProfileRef profileRef(PolicyKey key) {
        String ns = key.clusterScoped() ? cfg.namespace : key.namespace();
        String name = key.clusterScoped() ? "varmor-cluster-" + cfg.namespace + "-" + key.name() : "varmor-" + key.namespace() + "-" + key.name();
        return new ProfileRef(ns, name.toLowerCase(Locale.ROOT));
    }

    boolean reconcile(PolicyKey key) {
        HasMetadata r = informers.get(key);
        if (r == null) {
            return cleanup(key);
        }
        PolicyResource p = KubeJson.policy(r);
        lastSeen.put(key, p);
        ProfileRef ref = profileRef(key);
        ArmorProfileResource existing = profiles.getStore().getByKey(Cache.namespaceKeyFunc(ref.namespace(), ref.name()));
        CompiledPolicy compiled;
        try {
            if (models != null) {
                p = models.withModel(p, ref);
            }
        } catch (IllegalStateException | KubernetesClientException e) {
            book.failed(key, ref.name(), existing != null, "Error", e.getMessage());
            return true;
        }
        try {
            compiled = compiler.compile(p, new SourceMap());
        } catch (InvalidInputException e) {
            book.failed(key, ref.name(), existing != null, "Forbidden", describe(e.diagnostics()));
            return true;
        }
        ArmorProfile desired = compiled.armorProfile();
        String hash = KubeJson.specHash(desired.spec());
        boolean modeling = compiled.ir().mode() == Mode.BEHAVIOR_MODELING;
        try {
            if (existing == null) {
                boolean created = create(desired);
                if (modeling && models != null) {
                    models.reset(ref);
                }
                aggregator.track(ref, key, hash, modeling);
                book.created(key, ref.name());
                if (created && cfg.restartExistingWorkloads && Boolean.TRUE.equals(p.spec().updateExistingWorkloads())) {
                    List<String> rolled = roller.rollForAdd(p);
                    LOG.info(key + ": updateExistingWorkloads rolled " + rolled);
                }
                return true;
            }
            boolean specChanged = !hash.equals(KubeJson.specHash(existing.getSpec()));
            if (specChanged || needsRepair(existing, desired)) {
                update(ref, desired);
            }
            if (specChanged && modeling && models != null) {
                models.reset(ref);
            }
            aggregator.track(ref, key, hash, modeling);
            if (modeling && models != null && models.isComplete(ref)) {
                aggregator.modelCompleted(ref);
            }
            VarmorPolicyStatus s = book.get(key);
            if (specChanged || recovering(s)) {
                book.updated(key, ref.name());
            } else if (s == null || s.profileName() == null) {
                book.created(key, ref.name());
            }
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 413 || (e.getCode() == 422 && String.valueOf(e.getMessage()).contains("too large"))) {
                book.failed(key, ref.name(), existing != null, "Error", "The profiles are too large to create an ArmorProfile object: " + e.getMessage());
                return true;
            }
            LOG.warning(key + ": " + e.getMessage());
            return false;
        }
    }

    private static boolean recovering(VarmorPolicyStatus s) {
        if (s == null) {
            return false;
        }
        for (String type : List.of("Created", "Updated")) {
            Condition c = Conditions.get(s.conditions(), type);
            if (c != null && "False".equals(c.status())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(List<Diagnostic> ds) {
        return ds.stream().map(d -> (d.path() == null || d.path().isEmpty() ? "" : d.path() + ": ") + d.message() + " [" + d.id().id() + "]")
                .collect(Collectors.joining("; "));
    }

    private boolean create(ArmorProfile desired) {
        ArmorProfileResource ap = KubeJson.profileResource(desired);
        try {
            client.resources(ArmorProfileResource.class).inNamespace(ap.getMetadata().getNamespace()).resource(ap).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            update(new ProfileRef(ap.getMetadata().getNamespace(), ap.getMetadata().getName()), desired);
            return false;
        }
    }

    private static boolean needsRepair(ArmorProfileResource existing, ArmorProfile desired) {
        List<String> f = existing.getMetadata().getFinalizers();
        if (f == null || !f.contains(Names.FINALIZER)) {
            return true;
        }
        String uid = desired.metadata().ownerReferences().get(0).uid();
        return existing.getMetadata().getOwnerReferences().stream().noneMatch(o -> Objects.equals(uid, o.getUid()));
    }

    private void update(ProfileRef ref, ArmorProfile desired) {
        ArmorProfileResource want = KubeJson.profileResource(desired);
        client.resources(ArmorProfileResource.class).inNamespace(ref.namespace()).withName(ref.name()).edit(cur -> {
            cur.setSpec(want.getSpec());
            List<String> fin = new ArrayList<>(cur.getMetadata().getFinalizers() == null ? List.of() : cur.getMetadata().getFinalizers());
            if (!fin.contains(Names.FINALIZER)) {
                fin.add(Names.FINALIZER);
            }
            cur.getMetadata().setFinalizers(fin);
            cur.getMetadata().setOwnerReferences(want.getMetadata().getOwnerReferences());
            Map<String, String> labels = new HashMap<>(cur.getMetadata().getLabels() == null ? Map.of() : cur.getMetadata().getLabels());
            if (want.getMetadata().getLabels() != null) {
                labels.putAll(want.getMetadata().getLabels());
            }
            cur.getMetadata().setLabels(labels);
            return cur;
        });
    }

    private boolean cleanup(PolicyKey key) {
        PolicyResource last = lastSeen.remove(key);
        ProfileRef ref = profileRef(key);
        if (last != null && cfg.restartExistingWorkloads && last.spec() != null && Boolean.TRUE.equals(last.spec().updateExistingWorkloads())) {
            List<String> rolled = roller.rollForDelete(last, ref.name());
            LOG.info(key + ": deleted; updateExistingWorkloads rolled " + rolled);
        }
        var ap = client.resources(ArmorProfileResource.class).inNamespace(ref.namespace()).withName(ref.name());
        try {
            ArmorProfileResource cur = ap.get();
            if (cur != null) {
                if (cur.getMetadata().getFinalizers() != null && cur.getMetadata().getFinalizers().contains(Names.FINALIZER)) {
                    ap.edit(x -> {
                        List<String> fin = new ArrayList<>(x.getMetadata().getFinalizers());
                        fin.remove(Names.FINALIZER);
                        x.getMetadata().setFinalizers(fin);
                        return x;
                    });
                }
                ap.delete();
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warning(key + ": cannot remove ArmorProfile " + ref + ": " + e.getMessage());
                return false;
            }
        }
        aggregator.untrack(ref);
        book.remove(key);
        return true;
    }

    @Override
    public void close() {
        informers.removeHandler(policyHandler);
        queue.close();
        if (profiles != null) {
            profiles.close();
        }
    }
}
