package io.varmor.k8s.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.varmor.k8s.crd.CrdGenerator;
import io.varmor.k8s.model.KubeJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Helm chart with the real Helm engine (helm-java): lint --strict, render, parse, and check what matters. */
class HelmChartTest {
    static final Path CHART = Path.of(System.getProperty("varmor.repo", "..")).resolve("distribution/helm/varmor");
    static final Path ALL = CHART.resolve("ci/all-features-values.yaml");
    static final KubernetesSerialization SERIAL = new KubernetesSerialization();
    static final ObjectMapper YAML = new YAMLMapper();

    record Rendered(List<HasMetadata> objects, List<JsonNode> trees) {
        JsonNode one(String kind, String name) {
            for (JsonNode t : trees) {
                if (t.path("kind").asText().equals(kind) && t.path("metadata").path("name").asText().equals(name)) {
                    return t;
                }
            }
            throw new AssertionError("no " + kind + " " + name + " in the rendered chart");
        }

        boolean has(String kind) {
            return trees.stream().anyMatch(t -> t.path("kind").asText().equals(kind));
        }
    }

    static Rendered render(String kubeVersion, Path values) throws Exception {
        TemplateCommand t = new Helm(CHART).template().withName("varmor").withNamespace("varmor").withKubeVersion(kubeVersion);
        if (values != null) {
            t = t.withValuesFile(values);
        }
        String out = t.call();
        List<HasMetadata> objects = new ArrayList<>();
        List<JsonNode> trees = new ArrayList<>();
        for (String doc : out.split("(?m)^---\\s*$")) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            JsonNode tree = YAML.readTree(doc);
            trees.add(tree);
            HasMetadata o = SERIAL.unmarshal(doc);
            assertNotNull(o.getKind(), doc);
            assertNotNull(o.getApiVersion(), doc);
            assertFalse(o.getMetadata().getName() == null || o.getMetadata().getName().isEmpty(), "object without a name: " + doc);
            objects.add(o);
        }
        return new Rendered(objects, trees);
    }

    @Test
    void theChartPassesStrictLintWithDefaultValues() {
        LintResult r = new Helm(CHART).lint().strict().call();
        assertFalse(r.isFailed(), String.join("\n", r.getMessages()));
    }

    @Test
    void theChartPassesStrictLintWithEveryFeatureOn(@TempDir Path tmp) throws Exception {
        Path copy = tmp.resolve("varmor");
        try (Stream<Path> s = Files.walk(CHART)) {
            for (Path p : s.toList()) {
                Path to = copy.resolve(CHART.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        ObjectNode merged = (ObjectNode) YAML.readTree(CHART.resolve("values.yaml").toFile());
        merge(merged, YAML.readTree(ALL.toFile()));
        Files.writeString(copy.resolve("values.yaml"), YAML.writeValueAsString(merged));
        LintResult r = new Helm(copy).lint().strict().call();
        assertFalse(r.isFailed(), String.join("\n", r.getMessages()));
    }

    static void merge(ObjectNode into, JsonNode from) {
        from.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && into.get(e.getKey()) instanceof ObjectNode o) {
                merge(o, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        });
    }

    @Test
    void defaultValuesRenderAManagerAgentRbacServicesAndWebhooks() throws Exception {
        Rendered r = render("1.29.0", null);
        JsonNode manager = r.one("Deployment", "varmor-manager");
        assertEquals(3, manager.path("spec").path("replicas").asInt());
        assertTrue(r.has("PodDisruptionBudget"));
        JsonNode agent = r.one("DaemonSet", "varmor-agent");
        JsonNode pod = agent.path("spec").path("template").path("spec");
        assertTrue(pod.path("hostPID").asBoolean());
        assertEquals("unconfined", agent.path("spec").path("template").path("metadata").path("annotations")
                .path("container.apparmor.security.beta.kubernetes.io/agent").asText(), "AppArmor unconfined by annotation below 1.30");
        assertEquals("varmor-manager", find(pod.path("volumes"), "bound-token").path("projected").path("sources").path(0)
                .path("serviceAccountToken").path("audience").asText());
        assertTrue(pod.path("containers").path(0).path("args").toString().contains("--enforcers=AppArmor,Seccomp"));
        JsonNode mutating = r.one("MutatingWebhookConfiguration", "varmor-resource-mutating-webhook-cfg");
        for (JsonNode w : mutating.path("webhooks")) {
            assertEquals("Ignore", w.path("failurePolicy").asText(), "documented default");
            assertEquals("true", w.path("objectSelector").path("matchLabels").path("sandbox.varmor.org/enable").asText());
            assertEquals("IfNeeded", w.path("reinvocationPolicy").asText());
        }
        assertFalse(r.has("ServiceMonitor"));
        assertFalse(r.has("Namespace"));
    }

    @Test
    void fromKubernetes130TheAgentIsUnconfinedThroughItsSecurityContext() throws Exception {
        JsonNode agent = render("1.30.0", null).one("DaemonSet", "varmor-agent");
        assertEquals("Unconfined", agent.path("spec").path("template").path("spec").path("containers").path(0)
                .path("securityContext").path("appArmorProfile").path("type").asText());
        assertTrue(agent.path("spec").path("template").path("metadata").path("annotations").isMissingNode());
    }

    @Test
    void inOperatorModeTheLeaderManagesTheCertificateWithRightsLimitedToItsOwnObjects() throws Exception {
        Rendered r = render("1.30.0", null);
        assertFalse(r.has("Secret"), "no certificate in the chart: the leader creates it");
        JsonNode args = r.one("Deployment", "varmor-manager").path("spec").path("template").path("spec").path("containers").path(0).path("args");
        assertTrue(args.toString().contains("--manage-certificates=true"), args.toString());
        JsonNode role = r.one("Role", "varmor-manager");
        assertTrue(role.toString().contains("\"resourceNames\":[\"varmor-webhook-tls\"]"), role.toString());
        JsonNode cluster = r.one("ClusterRole", "varmor-manager");
        for (JsonNode rule : cluster.path("rules")) {
            if (rule.path("apiGroups").toString().contains("admissionregistration")) {
                assertEquals("[\"get\",\"patch\"]", rule.path("verbs").toString());
                assertEquals(1, rule.path("resourceNames").size());
            }
        }
        JsonNode ca = find(r.one("DaemonSet", "varmor-agent").path("spec").path("template").path("spec").path("volumes"), "manager-ca");
        assertTrue(ca.path("secret").path("optional").asBoolean());
    }

    @Test
    void inExistingSecretModeTheCaBundleComesFromTheValues() throws Exception {
        String bundle = Base64.getEncoder().encodeToString(io.varmor.k8s.support.TestPki.SERVER.caPem().getBytes(StandardCharsets.US_ASCII));
        TemplateCommand t = new Helm(CHART).template().withName("varmor").withNamespace("varmor").withKubeVersion("1.30.0")
                .set("webhook.tls.mode", "existingSecret").set("webhook.tls.existingSecret", "my-tls").set("webhook.tls.caBundle", bundle);
        String out = t.call();
        assertTrue(out.contains("caBundle: " + bundle));
        assertTrue(out.contains("--certificate-secret=my-tls"));
        assertTrue(out.contains("--manage-certificates=false"));
    }

    @Test
    void everyFeatureRenders() throws Exception {
        Rendered r = render("1.31.0", ALL);
        assertTrue(r.has("ServiceMonitor"));
        assertTrue(r.has("Namespace"));
        assertTrue(r.has("Certificate"), "cert-manager certificate");
        assertFalse(r.trees().stream().anyMatch(t -> t.path("kind").asText().equals("Secret")), "cert-manager owns the Secret");
        JsonNode mutating = r.one("MutatingWebhookConfiguration", "varmor-resource-mutating-webhook-cfg");
        assertEquals("Fail", mutating.path("webhooks").path(0).path("failurePolicy").asText());
        assertEquals("varmor/varmor-webhook-cert", mutating.path("metadata").path("annotations").path("cert-manager.io/inject-ca-from").asText());
        JsonNode agent = r.one("DaemonSet", "varmor-agent").path("spec").path("template").path("spec");
        assertTrue(agent.path("containers").path(0).path("args").toString().contains("--enforcers=AppArmor,BPF,Seccomp"));
        assertTrue(agent.path("containers").path(0).path("securityContext").path("capabilities").path("add").toString().contains("BPF"));
        assertTrue(agent.path("hostNetwork").asBoolean());
        assertEquals("/run/k3s/containerd", find(agent.path("volumes"), "runtime-state").path("hostPath").path("path").asText());
        assertTrue(r.one("Deployment", "varmor-manager").path("spec").path("template").path("spec").path("containers").path(0)
                .path("image").asText().startsWith("registry.example.com/varmor/varmor-operator:test"));
        assertTrue(r.one("ClusterRole", "varmor-manager").toString().contains("armorprofilemodels"));
        JsonNode manager = r.one("Deployment", "varmor-manager").path("spec").path("template").path("spec");
        assertEquals("500Mi", find(manager.path("volumes"), "apmdata").path("emptyDir").path("sizeLimit").asText(),
                "models too large for their object have a writable directory (the root file system is read-only)");
        assertTrue(manager.path("containers").path(0).path("volumeMounts").toString().contains("/var/log/varmor/apmdata"));
        assertTrue(r.one("ClusterRole", "varmor-manager").toString().contains("subjectaccessreviews"), "model export checks access");
    }

    @Test
    void rbacAndWebhooksReferenceOnlyTheGeneratedCrdsAndTheAgentCannotWriteVarmorObjects() throws Exception {
        Set<String> plurals = new HashSet<>();
        for (CrdGenerator.Crd c : CrdGenerator.generate()) {
            plurals.add(KubeJson.tree(c.document()).path("spec").path("names").path("plural").asText());
        }
        for (Path values : new Path[] {null, ALL}) {
            Rendered r = render("1.30.0", values);
            for (JsonNode t : r.trees()) {
                for (JsonNode rule : t.path("rules")) {
                    if (rule.path("apiGroups").toString().contains("crd.varmor.org")) {
                        rule.path("resources").forEach(res -> assertTrue(plurals.contains(res.asText().replace("/status", "")),
                                t.path("kind").asText() + " references unknown resource " + res));
                    }
                }
                for (JsonNode w : t.path("webhooks")) {
                    for (JsonNode rule : w.path("rules")) {
                        if (rule.path("apiGroups").toString().contains("crd.varmor.org")) {
                            rule.path("resources").forEach(res -> assertTrue(plurals.contains(res.asText())));
                        }
                    }
                }
            }
            JsonNode agentRole = r.one("ClusterRole", "varmor-agent");
            for (JsonNode rule : agentRole.path("rules")) {
                for (JsonNode verb : rule.path("verbs")) {
                    String v = verb.asText();
                    boolean readOnly = List.of("get", "list", "watch").contains(v);
                    boolean events = v.equals("create") && rule.path("resources").toString().equals("[\"events\"]");
                    assertTrue(readOnly || events, "agent verb " + v + " on " + rule.path("resources"));
                }
            }
        }
        for (HasMetadata o : render("1.30.0", ALL).objects()) {
            assertFalse(o instanceof GenericKubernetesResource g && g.getApiVersion().startsWith("crd.varmor.org"),
                    "the chart does not create varmor objects");
        }
    }

    @Test
    void theChartShipsTheGeneratedCrds() throws Exception {
        for (CrdGenerator.Crd c : CrdGenerator.generate()) {
            Path f = CHART.resolve("crds").resolve(c.fileName());
            assertEquals(c.yaml(), Files.readString(f));
            assertTrue(SERIAL.unmarshal(Files.readString(f)) instanceof io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition);
        }
    }

    static JsonNode find(JsonNode list, String name) {
        for (JsonNode n : list) {
            if (n.path("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

}
