package io.varmor.k8s.operator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.varmor.api.PolicyResource;
import io.varmor.api.policy.Target;
import io.varmor.k8s.Names;
import io.varmor.k8s.Selectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * {@code updateExistingWorkloads}: when a policy is created, the matching Deployments, StatefulSets and DaemonSets
 * that carry the webhook label get a new pod-template annotation {@code controller.varmor.org/restartedAt}, so they
 * roll and the mutating webhook applies the profile to the new pods. When the policy is deleted, the profile
 * references varmor added (annotations and Localhost {@code securityContext} profiles) are removed as well, keeping
 * the {@code unconfined} opt-outs. Bare Pods are never restarted.
 */
public final class WorkloadRoller {
    private static final Logger LOG = Logger.getLogger(WorkloadRoller.class.getName());

    private final KubernetesClient client;
    private final String matchLabel;

    public WorkloadRoller(KubernetesClient client, String matchLabel) {
        this.client = client;
        this.matchLabel = matchLabel;
    }

    /** Rolls the workloads of a new policy; returns the workloads rolled ({@code Kind ns/name}). */
    public List<String> rollForAdd(PolicyResource p) {
        return roll(p, null);
    }

    /** Rolls the workloads of a deleted policy, removing the references to {@code profile}. */
    public List<String> rollForDelete(PolicyResource p, String profile) {
        return roll(p, profile);
    }

    private List<String> roll(PolicyResource p, String removeProfile) {
        Target t = p.spec() == null ? null : p.spec().target();
        if (t == null || t.kind() == null) {
            return List.of();
        }
        String ns = p.clusterScoped() ? null : p.metadata().namespace();
        List<String> done = new ArrayList<>();
        switch (t.kind()) {
            case "Deployment" -> rollAll(client.apps().deployments(), ns, t, Deployment::getSpec, d -> d.getSpec().getTemplate(), removeProfile, done);
            case "StatefulSet" -> rollAll(client.apps().statefulSets(), ns, t, StatefulSet::getSpec, s -> s.getSpec().getTemplate(), removeProfile, done);
            case "DaemonSet" -> rollAll(client.apps().daemonSets(), ns, t, DaemonSet::getSpec, d -> d.getSpec().getTemplate(), removeProfile, done);
            default -> { }
        }
        return done;
    }

    private <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>> void rollAll(
            MixedOperation<T, L, R> op, String ns, Target t,
                                                    Function<T, Object> spec, Function<T, PodTemplateSpec> template,
                                                    String removeProfile, List<String> done) {
        List<T> items = (ns == null ? op.inAnyNamespace().list() : op.inNamespace(ns).list()).getItems();
        String now = Conditions.now();
        for (T w : items) {
            if (!matches(t, w) || spec.apply(w) == null || template.apply(w) == null) {
                continue;
            }
            try {
                op.inNamespace(w.getMetadata().getNamespace()).withName(w.getMetadata().getName()).edit(cur -> {
                    PodTemplateSpec tpl = template.apply(cur);
                    if (tpl.getMetadata() == null) {
                        tpl.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
                    }
                    if (removeProfile != null) {
                        strip(tpl, removeProfile);
                    }
                    Map<String, String> a = tpl.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(tpl.getMetadata().getAnnotations());
                    a.put(Names.RESTARTED_AT, now);
                    tpl.getMetadata().setAnnotations(a);
                    return cur;
                });
                done.add(w.getKind() + " " + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName());
            } catch (RuntimeException e) {
                LOG.warning("cannot roll " + w.getKind() + " " + w.getMetadata().getNamespace() + "/" + w.getMetadata().getName() + ": " + e.getMessage());
            }
        }
    }

    private boolean matches(Target t, HasMetadata w) {
        Map<String, String> labels = w.getMetadata().getLabels();
        if (!Selectors.matchesLabel(matchLabel, labels)) {
            return false;
        }
        if (t.name() != null && !t.name().isEmpty()) {
            return t.name().equals(w.getMetadata().getName());
        }
        return Selectors.matches(t.selector(), labels);
    }

    /** Removes the references to {@code profile} that the webhook added; opt-outs ({@code unconfined}) stay. */
    static void strip(PodTemplateSpec tpl, String profile) {
        String ref = Names.LOCALHOST + profile;
        Map<String, String> a = tpl.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(tpl.getMetadata().getAnnotations());
        PodSpec spec = tpl.getSpec();
        for (Container c : spec == null || spec.getContainers() == null ? List.<Container>of() : spec.getContainers()) {
            boolean seccompOurs = ref.equals(a.get(Names.SECCOMP_ANNOTATION + c.getName()));
            for (String prefix : List.of(Names.BPF_ANNOTATION, Names.APPARMOR_ANNOTATION, Names.K8S_APPARMOR_ANNOTATION, Names.SECCOMP_ANNOTATION)) {
                a.remove(prefix + c.getName(), ref);
            }
            SecurityContext sc = c.getSecurityContext();
            if (sc == null) {
                continue;
            }
            if (sc.getAppArmorProfile() != null && profile.equals(sc.getAppArmorProfile().getLocalhostProfile())) {
                sc.setAppArmorProfile(null);
            }
            if (sc.getSeccompProfile() != null && (profile.equals(sc.getSeccompProfile().getLocalhostProfile())
                    || (seccompOurs && "RuntimeDefault".equals(sc.getSeccompProfile().getType())))) {
                sc.setSeccompProfile(null);
            }
        }
        tpl.getMetadata().setAnnotations(a);
    }
}
