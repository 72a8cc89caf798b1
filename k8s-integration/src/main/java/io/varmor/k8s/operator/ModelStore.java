package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.PolicyResource;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.model.ArmorProfileModelData;
import io.varmor.api.model.ArmorProfileModelStatus;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.profile.Profile;
import io.varmor.core.model.BehaviorRecorder;
import io.varmor.core.model.ModelPolicies;
import io.varmor.core.plugin.Plugins;
import io.varmor.k8s.Names;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.status.BehaviorData;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.logging.Logger;

/**
 * Cluster-mode behaviour models (spec §8 step 4): each node's {@link BehaviorData} is merged (set union) into the
 * {@code ArmorProfileModel} named after the ArmorProfile; the nodes that sent data are kept in an annotation, so a
 * node's resend never counts twice. Once every expected agent has sent its data the model is complete: the
 * deny-by-default profiles are generated into {@code data.profile} (AppArmor through the AppArmor plugin's
 * {@code profileFromModel}, Seccomp as the allow-list) and {@code status.ready} becomes true. A DefenseInDepth policy
 * with {@code profileType: BehaviorModel} then compiles against that model ({@link #withModel}).
 *
 * <p>Not built yet: the LocalDisk fallback for models too large for one object.
 */
final class ModelStore {
    private static final Logger LOG = Logger.getLogger(ModelStore.class.getName());
    static final String KIND = "ArmorProfileModel";
    /** Annotation listing the nodes whose data the model holds. */
    static final String NODES = "varmor.org/modelled-nodes";

    private final KubernetesClient client;
    private final Plugins plugins;
    private final IntSupplier desired;
    private final Consumer<ProfileRef> completed;

    /**
     * @param desired   agents expected to send data (the agent DaemonSet's desiredNumberScheduled)
     * @param completed told when a model becomes complete
     */
    ModelStore(KubernetesClient client, Plugins plugins, IntSupplier desired, Consumer<ProfileRef> completed) {
        this.client = client;
        this.plugins = plugins;
        this.desired = desired;
        this.completed = completed;
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> in(String ns) {
        return client.genericKubernetesResources(Names.API_VERSION, KIND).inNamespace(ns);
    }

    /** The model of a profile, if one exists. */
    Optional<ArmorProfileModel> get(ProfileRef ref) {
        GenericKubernetesResource g = in(ref.namespace()).withName(ref.name()).get();
        return g == null ? Optional.empty() : Optional.of(KubeJson.convert(g, ArmorProfileModel.class));
    }

    /** Whether the profile's model is complete. */
    boolean isComplete(ProfileRef ref) {
        return get(ref).map(m -> m.status() != null && Boolean.TRUE.equals(m.status().ready())).orElse(false);
    }

    /**
     * A new modelling run starts (vArmor: the status of an existing model is reset): the nodes that sent data are
     * forgotten and the model is no longer ready; the data learned so far is kept and merged with the new run's.
     */
    synchronized void reset(ProfileRef ref) {
        try {
            GenericKubernetesResource g = in(ref.namespace()).withName(ref.name()).get();
            if (g == null) {
                return;
            }
            in(ref.namespace()).withName(ref.name()).edit(x -> {
                if (x.getMetadata().getAnnotations() != null) {
                    x.getMetadata().getAnnotations().remove(NODES);
                }
                return x;
            });
            writeStatus(ref, new ArmorProfileModelStatus(expectedNodes(), 0, false, null));
        } catch (KubernetesClientException e) {
            LOG.warning("cannot reset the behaviour model " + ref + ": " + e.getMessage());
        }
    }

    /** Agents expected to send data (at least one). */
    private int expectedNodes() {
        return Math.max(1, desired.getAsInt());
    }

    private void writeStatus(ProfileRef ref, ArmorProfileModelStatus status) {
        in(ref.namespace()).withName(ref.name()).editStatus(x -> {
            x.setAdditionalProperty("status", KubeJson.mapper().convertValue(status, Map.class));
            return x;
        });
    }

    /** Merges one node's data; completes the model when every expected node has sent its data. */
    synchronized void accept(String node, BehaviorData d) {
        ProfileRef ref = new ProfileRef(d.namespace(), d.armorProfile());
        GenericKubernetesResource existing = in(ref.namespace()).withName(ref.name()).get();
        Optional<ArmorProfileModel> cur = Optional.ofNullable(existing).map(x -> KubeJson.convert(x, ArmorProfileModel.class));
        Map<String, String> annotations = new HashMap<>();
        TreeSet<String> nodes = new TreeSet<>();
        DynamicResult merged = d.dynamicResult();
        if (cur.isPresent()) {
            ArmorProfileModel m = cur.get();
            if (m.metadata().annotations() != null) {
                annotations.putAll(m.metadata().annotations());
                for (String n : annotations.getOrDefault(NODES, "").split(",")) {
                    if (!n.isBlank()) {
                        nodes.add(n);
                    }
                }
            }
            DynamicResult before = m.data() == null ? null : m.data().dynamicResult();
            merged = BehaviorRecorder.merge(before, d.dynamicResult());
        }
        nodes.add(node);
        annotations.put(NODES, String.join(",", nodes));
        int want = expectedNodes();
        boolean complete = nodes.size() >= want;
        Profile profile = complete ? profiles(ref.name(), merged) : null;
        ObjectMeta meta = new ObjectMeta(ref.name(), null, ref.namespace(), null, null, null, null, null, null, null,
                annotations, null, null, null);
        ArmorProfileModel model = new ArmorProfileModel(Names.API_VERSION, KIND, meta, "CRDInternal",
                new ArmorProfileModelData(merged, Map.of(), profile),
                new ArmorProfileModelStatus(want, nodes.size(), complete, null));
        GenericKubernetesResource g = KubeJson.convert(model, GenericKubernetesResource.class);
        try {
            if (existing == null) {
                in(ref.namespace()).resource(g).create();
            } else {
                g.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
                in(ref.namespace()).resource(g).update();
            }
            writeStatus(ref, model.status());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 413 || String.valueOf(e.getMessage()).contains("too large")) {
                throw new IllegalStateException("the model of " + ref + " is too large for one object (LocalDisk storage"
                        + " is not supported yet): " + e.getMessage(), e);
            }
            throw e;
        }
        LOG.info("behaviour model " + ref + ": data from " + nodes + " (" + nodes.size() + "/" + want + ")");
        if (complete) {
            completed.accept(ref);
        }
    }

    /** The deny-by-default profiles of a complete model. */
    private Profile profiles(String profileName, DynamicResult model) {
        String appArmor = plugins.enforcer("AppArmor").flatMap(e -> e.profileFromModel(profileName, model)).orElse(null);
        String seccomp = model != null && model.seccomp() != null ? ModelPolicies.seccompAllowList(model) : null;
        return new Profile(profileName, null, "DefenseInDepth", appArmor, seccomp, null, null);
    }

    /**
     * {@code p} with every {@code profileType: BehaviorModel} of its DefenseInDepth replaced by the model's generated
     * profile as {@code Custom} (raw rules kept), or {@code p} itself when it uses no model.
     *
     * @throws IllegalStateException when it needs a model that does not exist or is not complete
     */
    PolicyResource withModel(PolicyResource p, ProfileRef ref) {
        if (!ModelPolicies.usesBehaviorModel(p)) {
            return p;
        }
        ArmorProfileModel m = get(ref).orElseThrow(() -> new IllegalStateException("DefenseInDepth with profileType"
                + " BehaviorModel needs the ArmorProfileModel " + ref + ", which does not exist (run the policy in"
                + " BehaviorModeling mode first)"));
        Profile generated = m.data() == null ? null : m.data().profile();
        if (m.status() == null || !Boolean.TRUE.equals(m.status().ready()) || generated == null) {
            throw new IllegalStateException("the ArmorProfileModel " + ref + " is not complete yet ("
                    + (m.status() == null ? 0 : m.status().completedNumber()) + "/"
                    + (m.status() == null ? "?" : m.status().desiredNumber()) + " nodes sent their data)");
        }
        try {
            return ModelPolicies.resolveBehaviorModel(p, generated.appArmor(), generated.seccomp());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ArmorProfileModel " + ref + ": " + e.getMessage(), e);
        }
    }
}
