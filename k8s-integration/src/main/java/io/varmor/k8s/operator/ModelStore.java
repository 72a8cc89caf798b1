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
 * <p>A model too large for one object (its JSON above {@link Storage#maxObjectBytes}, or refused by the API server as
 * too large) is written as indented JSON to {@code <dir>/<namespace>/<name>.json} (mode 0600) and the object keeps
 * everything but {@code data}, with {@code storageType: LocalDisk} (vArmor's fallback). {@link #get} reads it back, so
 * merging and {@link #withModel} see the whole model. The directory belongs to the leader: without a volume shared by
 * the replicas (vArmor: a PVC), a new leader finds the object but not its data, and says so.
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
    private final Storage storage;

    /** Where models too large for one object go, and the size that sends them there. */
    record Storage(java.nio.file.Path dir, int maxObjectBytes) {}

    static final String CRD_INTERNAL = "CRDInternal", LOCAL_DISK = "LocalDisk";

    /**
     * @param desired   agents expected to send data (the agent DaemonSet's desiredNumberScheduled)
     * @param completed told when a model becomes complete
     */
    ModelStore(KubernetesClient client, Plugins plugins, IntSupplier desired, Storage storage, Consumer<ProfileRef> completed) {
        this.client = client;
        this.plugins = plugins;
        this.desired = desired;
        this.storage = storage;
        this.completed = completed;
    }

    /** The file a LocalDisk model's data is kept in. */
    java.nio.file.Path localFile(ProfileRef ref) {
        return storage.dir().resolve(ref.namespace()).resolve(ref.name() + ".json");
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> in(String ns) {
        return client.genericKubernetesResources(Names.API_VERSION, KIND).inNamespace(ns);
    }

    /**
     * The model of a profile, if one exists, with its data (read from the local disk for LocalDisk models).
     *
     * @throws IllegalStateException when a LocalDisk model's data is not on this replica's disk
     */
    Optional<ArmorProfileModel> get(ProfileRef ref) {
        GenericKubernetesResource g = in(ref.namespace()).withName(ref.name()).get();
        return g == null ? Optional.empty() : Optional.of(withLocalData(ref, KubeJson.convert(g, ArmorProfileModel.class)));
    }

    private ArmorProfileModel withLocalData(ProfileRef ref, ArmorProfileModel m) {
        if (!LOCAL_DISK.equals(m.storageType())) {
            return m;
        }
        java.nio.file.Path f = localFile(ref);
        try {
            ArmorProfileModel full = KubeJson.mapper().readValue(java.nio.file.Files.readString(f), ArmorProfileModel.class);
            return new ArmorProfileModel(m.apiVersion(), m.kind(), m.metadata(), LOCAL_DISK, full.data(), m.status());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the ArmorProfileModel " + ref + " is stored on the local disk of the replica"
                    + " that wrote it (" + f + ") and is not readable here: " + e.getMessage()
                    + " (share the model directory between replicas with a persistent volume)", e);
        }
    }

    /** Writes a model's full JSON (mode 0600) where {@link #get} finds it; replaces the file atomically. */
    private void writeLocal(ProfileRef ref, ArmorProfileModel m) {
        java.nio.file.Path f = localFile(ref);
        try {
            java.nio.file.Files.createDirectories(f.getParent());
            java.nio.file.Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            java.nio.file.Files.deleteIfExists(tmp);
            java.nio.file.Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            java.nio.file.Files.writeString(tmp, KubeJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(m));
            java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot store the behaviour model " + ref + " in " + f + ": " + e.getMessage(), e);
        }
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
        Optional<ArmorProfileModel> cur = get(ref);
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
        ArmorProfileModel model = new ArmorProfileModel(Names.API_VERSION, KIND, meta, CRD_INTERNAL,
                new ArmorProfileModelData(merged, Map.of(), profile),
                new ArmorProfileModelStatus(want, nodes.size(), complete, null));
        boolean local = store(ref, model, cur.map(m -> m.metadata().resourceVersion()).orElse(null));
        LOG.info("behaviour model " + ref + ": data from " + nodes + " (" + nodes.size() + "/" + want + ")"
                + (local ? ", stored on the local disk (" + localFile(ref) + ")" : ""));
        if (complete) {
            completed.accept(ref);
        }
    }

    /**
     * Stores a model (and its status) in its object, or on the local disk when it is larger than the limit or the API
     * server refuses it as too large; returns whether it went to the disk.
     */
    private boolean store(ProfileRef ref, ArmorProfileModel model, String version) {
        boolean local;
        try {
            local = KubeJson.mapper().writeValueAsBytes(model).length > storage.maxObjectBytes();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        try {
            write(ref, model, version, local);
        } catch (KubernetesClientException e) {
            if (local || !(e.getCode() == 413 || String.valueOf(e.getMessage()).contains("too large"))) {
                throw e;
            }
            local = true;
            write(ref, model, version, true);
        }
        writeStatus(ref, model.status());
        return local;
    }

    /**
     * Creates or updates the object; {@code local}: the data goes to the local disk and the object keeps the rest
     * ({@code storageType: LocalDisk}).
     */
    private void write(ProfileRef ref, ArmorProfileModel model, String version, boolean local) {
        ArmorProfileModel object = model;
        if (local) {
            writeLocal(ref, model);
            object = new ArmorProfileModel(model.apiVersion(), model.kind(), model.metadata(), LOCAL_DISK, null, model.status());
        } else {
            try {
                java.nio.file.Files.deleteIfExists(localFile(ref)); // it fits in the object again
            } catch (java.io.IOException e) {
                LOG.warning("cannot remove " + localFile(ref) + ": " + e.getMessage());
            }
        }
        GenericKubernetesResource g = KubeJson.convert(object, GenericKubernetesResource.class);
        if (version == null) {
            in(ref.namespace()).resource(g).create();
        } else {
            g.getMetadata().setResourceVersion(version);
            in(ref.namespace()).resource(g).update();
        }
    }

    /**
     * Imports a model (vArmor's import, spec §1.5): its behaviour is merged into the profile's model (created when
     * missing) and each non-empty profile it carries (AppArmor, Seccomp, BPF) replaces the stored one; the status of an
     * existing model is kept, a new one is ready when it carries a profile. Returns the stored model.
     */
    synchronized ArmorProfileModel importModel(ProfileRef ref, ArmorProfileModel in) {
        ArmorProfileModel cur = get(ref).orElse(null);
        ArmorProfileModelData was = cur == null ? null : cur.data();
        ArmorProfileModelData got = in.data();
        DynamicResult merged = BehaviorRecorder.merge(was == null ? null : was.dynamicResult(), got == null ? null : got.dynamicResult());
        Profile a = was == null ? null : was.profile();
        Profile b = got == null ? null : got.profile();
        Profile profile = b == null ? a : new Profile(ref.name(), pick(b.enforcer(), a == null ? null : a.enforcer()),
                pick(b.mode(), a == null ? null : a.mode()), pick(b.appArmor(), a == null ? null : a.appArmor()),
                pick(b.seccomp(), a == null ? null : a.seccomp()),
                b.bpf() != null && !b.bpf().isEmpty() ? b.bpf() : a == null ? null : a.bpf(), null);
        ArmorProfileModelStatus status = cur != null && cur.status() != null ? cur.status()
                : new ArmorProfileModelStatus(0, 0, profile != null, null);
        ObjectMeta meta = new ObjectMeta(ref.name(), null, ref.namespace(), null, null, null, null, null, null, null,
                cur == null || cur.metadata() == null ? null : cur.metadata().annotations(), null, null, null);
        ArmorProfileModel model = new ArmorProfileModel(Names.API_VERSION, KIND, meta, CRD_INTERNAL,
                new ArmorProfileModelData(merged, Map.of(), profile), status);
        store(ref, model, cur == null ? null : cur.metadata().resourceVersion());
        LOG.info("behaviour model " + ref + " imported");
        return model;
    }

    private static String pick(String preferred, String otherwise) {
        return preferred != null && !preferred.isBlank() ? preferred : otherwise;
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
            return ModelPolicies.resolveBehaviorModel(p, generated.appArmor(), generated.seccomp(),
                    m.data().dynamicResult() == null ? null : m.data().dynamicResult().bpf());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("ArmorProfileModel " + ref + ": " + e.getMessage(), e);
        }
    }
}
