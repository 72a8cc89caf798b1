package io.varmor.k8s.webhook;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.varmor.api.PolicyResource;
import io.varmor.api.meta.Condition;
import io.varmor.api.policy.Target;
import io.varmor.k8s.Selectors;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.operator.PolicyKey;
import io.varmor.core.validate.PolicyValidator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What the mutating webhook matches against: every policy's target, enforcer, mode and profile name (vArmor's
 * policy cacher), fed by the policy informers. Policies whose ArmorProfile could not be created ({@code Created=False})
 * are left out, so workloads never reference a profile that does not exist. Matching is deterministic: cluster
 * policies first, then the request namespace's policies, each in name order; the first match wins.
 */
public final class PolicyIndex implements ResourceEventHandler<HasMetadata> {
    /**
     * One indexed policy.
     *
     * @param enforcer {@code policy.enforcer} lower-cased (vArmor tests enforcers by substring)
     */
    public record Entry(PolicyKey key, String profileName, Target target, String enforcer, String mode) {
        public boolean bpf() {
            return enforcer.contains("bpf");
        }

        public boolean appArmor() {
            return enforcer.contains("apparmor");
        }

        public boolean seccomp() {
            return enforcer.contains("seccomp");
        }
    }

    private final String varmorNamespace;
    private final ConcurrentSkipListMap<String, Entry> cluster = new ConcurrentSkipListMap<>();
    private final Map<String, ConcurrentSkipListMap<String, Entry>> namespaced = new ConcurrentHashMap<>();

    public PolicyIndex(String varmorNamespace) {
        this.varmorNamespace = varmorNamespace;
    }

    /** The policy that applies to an object of {@code kind} named {@code name} with {@code labels} in {@code namespace}. */
    public Optional<Entry> match(String kind, String namespace, String name, Map<String, String> labels) {
        for (Entry e : cluster.values()) {
            if (matches(e.target(), kind, name, labels)) {
                return Optional.of(e);
            }
        }
        var local = namespaced.get(namespace == null ? "" : namespace);
        if (local != null) {
            for (Entry e : local.values()) {
                if (matches(e.target(), kind, name, labels)) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    static boolean matches(Target t, String kind, String name, Map<String, String> labels) {
        if (t == null || !kind.equals(t.kind())) {
            return false;
        }
        if (t.name() != null && !t.name().isEmpty()) {
            return t.name().equals(name);
        }
        return t.selector() != null && Selectors.matches(t.selector(), labels);
    }

    public int size() {
        return cluster.size() + namespaced.values().stream().mapToInt(Map::size).sum();
    }

    public void put(PolicyResource p) {
        PolicyKey key = new PolicyKey(p.clusterScoped(), p.clusterScoped() ? "" : PolicyValidator.namespace(p), p.metadata().name());
        if (p.spec() == null || p.spec().policy() == null || p.spec().target() == null || failedToCreate(p)) {
            remove(key);
            return;
        }
        String enforcer = p.spec().policy().enforcer() == null ? "" : p.spec().policy().enforcer().toLowerCase(Locale.ROOT);
        Entry e = new Entry(key, PolicyValidator.profileName(p, varmorNamespace), p.spec().target(), enforcer, p.spec().policy().mode());
        if (key.clusterScoped()) {
            cluster.put(key.name(), e);
        } else {
            namespaced.computeIfAbsent(key.namespace(), n -> new ConcurrentSkipListMap<>()).put(key.name(), e);
        }
    }

    private static boolean failedToCreate(PolicyResource p) {
        if (p.status() == null || p.status().conditions() == null) {
            return false;
        }
        for (Condition c : p.status().conditions()) {
            if ("Created".equals(c.type()) && "False".equals(c.status())) {
                return true;
            }
        }
        return false;
    }

    public void remove(PolicyKey key) {
        if (key.clusterScoped()) {
            cluster.remove(key.name());
        } else {
            var m = namespaced.get(key.namespace());
            if (m != null) {
                m.remove(key.name());
            }
        }
    }

    @Override
    public void onAdd(HasMetadata obj) {
        put(KubeJson.policy(obj));
    }

    @Override
    public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
        put(KubeJson.policy(newObj));
    }

    @Override
    public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
        remove(PolicyKey.of(obj));
    }
}
