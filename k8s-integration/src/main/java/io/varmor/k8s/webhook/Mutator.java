package io.varmor.k8s.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.varmor.k8s.Names;
import io.varmor.k8s.Selectors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * vArmor's mutating webhook (spec §1.4), as a function from an admitted object to JSON Patch operations.
 *
 * <p>Deployments, StatefulSets and DaemonSets (CREATE, UPDATE) are patched in their pod template, bare Pods (CREATE)
 * at the top level. For each container of {@code spec.containers} selected by {@code target.containers} (init and
 * ephemeral containers are never touched):
 * <ul>
 *   <li>BPF: annotation {@code container.bpf.security.beta.varmor.org/<c>: localhost/<profile>} unless it is
 *       {@code unconfined}; with {@code bpfExclusiveMode} AppArmor is set to unconfined for the container;</li>
 *   <li>AppArmor, unless {@code container.apparmor.security.beta.varmor.org/<c>: unconfined}: on Kubernetes &lt; 1.30
 *       the annotation {@code container.apparmor.security.beta.kubernetes.io/<c>: localhost/<profile>} (unless it is
 *       {@code unconfined}); on ≥ 1.30 the varmor annotation and {@code securityContext.appArmorProfile {type:
 *       Localhost}} unless the container or pod asks for {@code Unconfined};</li>
 *   <li>Seccomp, unless opted out by annotation, {@code privileged: true}, or an {@code Unconfined} container or pod
 *       profile: the varmor annotation and {@code securityContext.seccompProfile} ({@code RuntimeDefault} in mode
 *       RuntimeDefault, else {@code Localhost}).</li>
 * </ul>
 * When anything was patched, {@code webhook.varmor.org/mutatedAt} is set on the object. Members are written with
 * RFC 6902 {@code add}, which replaces an existing member, so re-invocation is idempotent. NetworkProxy sidecar
 * injection is not implemented (no NetworkProxy enforcer exists yet).
 */
public final class Mutator {
    static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final PolicyIndex index;
    private final BooleanSupplier appArmorGA;
    private final String matchLabel;
    private final boolean bpfExclusiveMode;
    private final Supplier<String> clock;

    /** The patch and the policy that produced it. */
    public record Result(ArrayNode patch, PolicyIndex.Entry policy) {}

    /**
     * @param appArmorGA whether the API server is Kubernetes ≥ 1.30 (AppArmor fields GA)
     * @param matchLabel {@code key=value} the object must carry (the webhook's objectSelector, re-checked here); empty: none
     * @param clock RFC 3339 time for {@code mutatedAt}
     */
    public Mutator(PolicyIndex index, BooleanSupplier appArmorGA, String matchLabel, boolean bpfExclusiveMode, Supplier<String> clock) {
        this.index = index;
        this.appArmorGA = appArmorGA;
        this.matchLabel = matchLabel;
        this.bpfExclusiveMode = bpfExclusiveMode;
        this.clock = clock;
    }

    /** The patch for {@code object} of {@code kind}, or empty when no policy applies or nothing needs to change. */
    public Optional<Result> mutate(String kind, String operation, String namespace, JsonNode object) {
        boolean pod = "Pod".equals(kind);
        if (!(pod && "CREATE".equals(operation)) && !(WORKLOADS.contains(kind) && ("CREATE".equals(operation) || "UPDATE".equals(operation)))) {
            return Optional.empty();
        }
        JsonNode meta = object.path("metadata");
        Map<String, String> labels = strings(meta.path("labels"));
        if (!Selectors.matchesLabel(matchLabel, labels)) {
            return Optional.empty();
        }
        String ns = meta.path("namespace").asText(namespace == null ? "" : namespace);
        if (ns.isEmpty() && namespace != null) {
            ns = namespace;
        }
        Optional<PolicyIndex.Entry> match = index.match(kind, ns, meta.path("name").asText(""), labels);
        if (match.isEmpty()) {
            return Optional.empty();
        }
        PolicyIndex.Entry policy = match.get();
        Patch p = new Patch(object, pod ? "" : "/spec/template");
        boolean ga = appArmorGA.getAsBoolean();
        String ref = Names.LOCALHOST + policy.profileName();
        List<String> only = policy.target().containers() == null ? List.of() : policy.target().containers();
        JsonNode containers = p.podSpec.path("containers");
        for (int i = 0; i < containers.size(); i++) {
            JsonNode c = containers.get(i);
            String name = c.path("name").asText();
            if (!only.isEmpty() && !only.contains(name)) {
                continue;
            }
            JsonNode sc = c.path("securityContext");
            JsonNode podSc = p.podSpec.path("securityContext");
            if (policy.bpf() && !Names.UNCONFINED.equals(p.annotation(Names.BPF_ANNOTATION + name))) {
                p.setAnnotation(Names.BPF_ANNOTATION + name, ref);
                if (bpfExclusiveMode) {
                    if (!ga) {
                        p.setAnnotation(Names.K8S_APPARMOR_ANNOTATION + name, Names.UNCONFINED);
                    } else {
                        p.setSecurityContext(i, "appArmorProfile", F.objectNode().put("type", "Unconfined"));
                    }
                }
            }
            if (policy.appArmor() && !Names.UNCONFINED.equals(p.annotation(Names.APPARMOR_ANNOTATION + name))) {
                if (!ga) {
                    if (!Names.UNCONFINED.equals(p.annotation(Names.K8S_APPARMOR_ANNOTATION + name))) {
                        p.setAnnotation(Names.K8S_APPARMOR_ANNOTATION + name, ref);
                    }
                } else if (!"Unconfined".equals(sc.path("appArmorProfile").path("type").asText())
                        && !"Unconfined".equals(podSc.path("appArmorProfile").path("type").asText())) {
                    p.setAnnotation(Names.APPARMOR_ANNOTATION + name, ref);
                    p.setSecurityContext(i, "appArmorProfile", F.objectNode().put("type", "Localhost").put("localhostProfile", policy.profileName()));
                }
            }
            if (policy.seccomp() && !Names.UNCONFINED.equals(p.annotation(Names.SECCOMP_ANNOTATION + name))
                    && !sc.path("privileged").asBoolean(false)
                    && !"Unconfined".equals(sc.path("seccompProfile").path("type").asText())
                    && !"Unconfined".equals(podSc.path("seccompProfile").path("type").asText())) {
                p.setAnnotation(Names.SECCOMP_ANNOTATION + name, ref);
                ObjectNode profile = "RuntimeDefault".equals(policy.mode())
                        ? F.objectNode().put("type", "RuntimeDefault")
                        : F.objectNode().put("type", "Localhost").put("localhostProfile", policy.profileName());
                p.setSecurityContext(i, "seccompProfile", profile);
            }
        }
        if (p.ops.isEmpty()) {
            return Optional.empty();
        }
        p.setObjectAnnotation(Names.MUTATED_AT, clock.get());
        return Optional.of(new Result(p.ops, policy));
    }

    private static Map<String, String> strings(JsonNode n) {
        Map<String, String> m = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /** JSON Pointer escaping (RFC 6901). */
    static String escape(String s) {
        return s.replace("~", "~0").replace("/", "~1");
    }

    /** Accumulates operations, adding missing parent objects once. */
    private static final class Patch {
        final ArrayNode ops = F.arrayNode();
        final JsonNode object;
        final String prefix;
        final JsonNode podMeta;
        final JsonNode podSpec;
        final Map<String, String> podAnnotations;
        final Set<String> created = new HashSet<>();

        Patch(JsonNode object, String prefix) {
            this.object = object;
            this.prefix = prefix;
            JsonNode pod = prefix.isEmpty() ? object : object.path("spec").path("template");
            this.podMeta = pod.path("metadata");
            this.podSpec = pod.path("spec");
            this.podAnnotations = strings(podMeta.path("annotations"));
        }

        String annotation(String key) {
            return podAnnotations.get(key);
        }

        void setAnnotation(String key, String value) {
            ensure(prefix + "/metadata", podMeta, "annotations");
            add(prefix + "/metadata/annotations/" + escape(key), F.textNode(value));
        }

        void setObjectAnnotation(String key, String value) {
            ensure("/metadata", object.path("metadata"), "annotations");
            add("/metadata/annotations/" + escape(key), F.textNode(value));
        }

        void setSecurityContext(int container, String field, JsonNode value) {
            String c = prefix + "/spec/containers/" + container;
            JsonNode existing = podSpec.path("containers").path(container);
            ensure(c, existing, "securityContext");
            add(c + "/securityContext/" + field, value);
        }

        /** Adds {@code parent/child: {}} when absent from the object and not added yet (and the parent itself). */
        private void ensure(String parentPath, JsonNode parent, String child) {
            String path = parentPath + "/" + child;
            if (created.contains(path) || parent.has(child) && parent.get(child).isObject()) {
                return;
            }
            if (parent.isMissingNode() && !created.contains(parentPath)) {
                created.add(parentPath);
                add(parentPath, F.objectNode());
            }
            created.add(path);
            add(path, F.objectNode());
        }

        private void add(String path, JsonNode value) {
            ops.add(F.objectNode().put("op", "add").put("path", path).set("value", value));
        }
    }
}
