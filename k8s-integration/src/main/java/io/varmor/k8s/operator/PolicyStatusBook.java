package io.varmor.k8s.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.varmor.api.meta.Condition;
import io.varmor.api.policy.VarmorPolicyStatus;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The leader's authoritative copy of every policy's status. The controller (Created/Updated, validation errors) and
 * the aggregator (Ready, phase) change it; a single writer patches the status subresource with the whole status, so
 * concurrent changes to one policy coalesce into one write and conditions are never lost between writers.
 */
public final class PolicyStatusBook implements AutoCloseable {
    private final KubernetesClient client;
    private final Map<PolicyKey, VarmorPolicyStatus> book = new ConcurrentHashMap<>();
    private final Map<PolicyKey, VarmorPolicyStatus> written = new ConcurrentHashMap<>();
    private final KeyQueue<PolicyKey> writer;

    public PolicyStatusBook(KubernetesClient client) {
        this.client = client;
        this.writer = new KeyQueue<>("status-writer", this::write, 8, 2);
    }

    /** Takes over the status a policy already has (leader start-up). */
    public void load(PolicyKey key, VarmorPolicyStatus status) {
        if (status != null) {
            book.putIfAbsent(key, status);
            written.putIfAbsent(key, status);
        }
    }

    public VarmorPolicyStatus get(PolicyKey key) {
        return book.get(key);
    }

    public void remove(PolicyKey key) {
        book.remove(key);
        written.remove(key);
    }

    /** Applies {@code change} to the current status (an empty one when none) and schedules a write. */
    public void change(PolicyKey key, UnaryOperator<VarmorPolicyStatus> change) {
        book.compute(key, (k, old) -> change.apply(old == null ? new VarmorPolicyStatus(null, List.of(), false, null) : old));
        writer.add(key);
    }

    /** The profile was created: Created=True, phase Pending. */
    public void created(PolicyKey key, String profile) {
        change(key, s -> new VarmorPolicyStatus(profile,
                Conditions.set(Conditions.set(s.conditions(), "Created", true, "Created", "The ArmorProfile " + profile + " was created"),
                        "Ready", false, "Processing", "Waiting for the agents to load the profile"), false, "Pending"));
    }

    /** The profile changed: Updated=True, phase Pending until the agents load the new spec. */
    public void updated(PolicyKey key, String profile) {
        change(key, s -> new VarmorPolicyStatus(profile,
                Conditions.set(Conditions.set(s.conditions(), "Updated", true, "Updated", "The ArmorProfile " + profile + " was updated"),
                        "Ready", false, "Processing", "Waiting for the agents to load the new profile"), false, "Pending"));
    }

    /** The policy cannot be compiled (reason Forbidden) or its ArmorProfile cannot be written (reason Error). */
    public void failed(PolicyKey key, String profile, boolean update, String reason, String message) {
        change(key, s -> new VarmorPolicyStatus(profile,
                Conditions.set(Conditions.set(s.conditions(), update ? "Updated" : "Created", false, reason, message),
                        "Ready", false, "Error", message), false, "Error"));
    }

    /** The agents' aggregated state. */
    public void loaded(PolicyKey key, ProfileRef profile, LoadResult r) {
        change(key, s -> {
            for (String type : List.of("Created", "Updated")) {
                Condition c = Conditions.get(s.conditions(), type);
                if (c != null && "False".equals(c.status())) {
                    return s; // the policy itself is in error; node results do not change that
                }
            }
            List<Condition> c;
            if (!r.failures().isEmpty()) {
                c = Conditions.set(s.conditions(), "Ready", false, "Error", "ArmorProfile " + profile + " failed to load: " + r.failureSummary());
            } else if (r.ready()) {
                c = Conditions.set(s.conditions(), "Ready", true, "AllAgentsReady", r.current() + "/" + r.desired() + " agents loaded the profile");
            } else {
                c = Conditions.set(s.conditions(), "Ready", false, "Processing", r.current() + "/" + r.desired() + " agents loaded the profile");
            }
            return new VarmorPolicyStatus(profile.name(), c, r.ready(), r.phase());
        });
    }

    private boolean write(PolicyKey key) {
        VarmorPolicyStatus s = book.get(key);
        if (s == null || s.equals(written.get(key))) {
            return true;
        }
        String patch = StatusPatch.replaceStatus(s);
        try {
            var op = key.clusterScoped()
                    ? client.resources(VarmorClusterPolicyResource.class).withName(key.name())
                    : client.resources(VarmorPolicyResource.class).inNamespace(key.namespace()).withName(key.name());
            op.subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
            written.put(key, s);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                remove(key);
                return true;
            }
            return false;
        }
    }

    /** Keys waiting to be written. */
    public int backlog() {
        return writer.depth();
    }

    @Override
    public void close() {
        writer.close();
    }
}
