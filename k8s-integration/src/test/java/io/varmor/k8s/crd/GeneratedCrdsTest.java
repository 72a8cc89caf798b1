package io.varmor.k8s.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.ParsedDocument;
import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.spi.RuleDefinition;
import io.varmor.k8s.model.KubeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The CRDs generated from the api records: checked in, accepting exactly the model, with vArmor's names. */
class GeneratedCrdsTest {
    static final Path REPO = Path.of(System.getProperty("varmor.repo", ".."));
    static final Path CRDS = REPO.resolve("distribution/helm/varmor/crds");

    static JsonNode schema(String plural) {
        CrdGenerator.Crd c = CrdGenerator.generate().stream().filter(x -> x.fileName().contains(plural + ".")).findFirst().orElseThrow();
        return KubeJson.tree(c.document()).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    }

    @Test
    void theCheckedInCrdsAreUpToDate() throws Exception {
        for (CrdGenerator.Crd c : CrdGenerator.generate()) {
            Path f = CRDS.resolve(c.fileName());
            assertTrue(Files.exists(f), f + " is missing; run: java -cp … io.varmor.k8s.crd.CrdGenerator distribution/helm/varmor/crds");
            assertEquals(c.yaml(), Files.readString(f), f + " is out of date; regenerate with io.varmor.k8s.crd.CrdGenerator");
        }
    }

    @Test
    void everyExamplePolicyValidatesAgainstTheGeneratedSchema() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(REPO.resolve("examples/policies"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            for (ParsedDocument d : Manifests.parse(Files.readString(f))) {
                String plural = d.resource().kind().equals("VarmorClusterPolicy") ? "varmorclusterpolicies" : "varmorpolicies";
                List<String> errors = OpenApiCheck.check(KubeJson.tree(d.resource()), schema(plural));
                assertEquals(List.of(), errors, f.getFileName().toString());
            }
        }
    }

    @Test
    void theSchemaRejectsFieldsTheModelDoesNotHave() {
        JsonNode p = KubeJson.tree(Map.of("apiVersion", "crd.varmor.org/v1beta1", "kind", "VarmorPolicy", "metadata", Map.of("name", "x"),
                "spec", Map.of("target", Map.of("kind", "Deployment", "name", "web", "nmae", "typo"),
                        "policy", Map.of("enforcer", "AppArmor", "mode", "AlwaysAllow"))));
        assertEquals(List.of(".spec.target.nmae: unknown field"), OpenApiCheck.check(p, schema("varmorpolicies")));
    }

    @Test
    void theSchemaCarriesTheEnumsAndPatternsVarmorLacks() {
        JsonNode p = KubeJson.tree(Map.of("apiVersion", "crd.varmor.org/v1beta1", "kind", "VarmorPolicy", "metadata", Map.of("name", "x"),
                "spec", Map.of("target", Map.of("kind", "ReplicaSet", "name", "Web!"),
                        "policy", Map.of("enforcer", "AppArmor", "mode", "Enhance"))));
        List<String> e = OpenApiCheck.check(p, schema("varmorpolicies"));
        assertEquals(3, e.size(), e.toString());
        for (String field : List.of(".spec.target.kind", ".spec.target.name", ".spec.policy.mode")) {
            assertTrue(e.stream().anyMatch(x -> x.startsWith(field)), field + " in " + e);
        }
    }

    @Test
    void everyBuiltinRuleIdMatchesTheRuleIdPattern() {
        Pattern p = Pattern.compile(SchemaRules.RULE_ID);
        List<String> bad = new ArrayList<>();
        for (RuleDefinition r : new BuiltinRules().rules()) {
            Stream.concat(Stream.of(r.id()), r.aliases().stream()).filter(id -> !p.matcher(id).find()).forEach(bad::add);
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void namesShortNamesScopesAndPrinterColumnsFollowVarmor() {
        Map<String, String> shortNames = Map.of("varmorpolicies", "[\"vpol\"]", "varmorclusterpolicies", "[\"vcpol\"]");
        for (CrdGenerator.Crd c : CrdGenerator.generate()) {
            JsonNode spec = KubeJson.tree(c.document()).path("spec");
            String plural = spec.path("names").path("plural").asText();
            assertEquals(plural + ".crd.varmor.org", c.name());
            if (shortNames.containsKey(plural)) {
                assertEquals(shortNames.get(plural), spec.path("names").path("shortNames").toString());
            }
            assertEquals(plural.equals("varmorclusterpolicies") ? "Cluster" : "Namespaced", spec.path("scope").asText());
            JsonNode v = spec.path("versions").path(0);
            assertTrue(v.path("subresources").has("status"));
            List<String> cols = new ArrayList<>();
            v.path("additionalPrinterColumns").forEach(col -> cols.add(col.path("name").asText()));
            List<String> want = switch (plural) {
                case "armorprofiles" -> List.of("PROFILE", "ENFORCER", "MODE", "DESIRED", "CURRENT", "AGE");
                case "armorprofilemodels" -> List.of("STORAGE-TYPE", "DESIRED", "COMPLETED", "READY", "AGE");
                default -> List.of("ENFORCER", "MODE", "TARGET-KIND", "TARGET-NAME", "TARGET-SELECTOR", "PROFILE-NAME", "READY", "STATUS", "AGE");
            };
            assertEquals(want, cols);
        }
    }
}
