package io.varmor.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.VarmorClusterPolicy;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestsTest {
    static final String POLICY = """
            apiVersion: crd.varmor.org/v1beta1
            kind: VarmorPolicy
            metadata:
              name: p
              namespace: ns
            spec:
              target:
                kind: Pod
                name: x
              policy:
                enforcer: BPF
                mode: EnhanceProtect
                enhanceProtect:
                  hardeningRules: ["123", "true", "disable-shell"]
                  syscallRawRules:
                  - names: [splice]
                    action: SCMP_ACT_ERRNO
                    args: [{index: 0, value: 18446744073709551, valueTwo: 0, op: SCMP_CMP_EQ}]
            """;

    @Test
    void writeThenParseGivesTheSameObjectInYamlAndJson() {
        VarmorPolicy p = Manifests.parseOne(POLICY, VarmorPolicy.class);
        assertEquals(p, Manifests.parseOne(Manifests.toYaml(p), VarmorPolicy.class));
        assertEquals(p, Manifests.parseOne(Manifests.toJson(p), VarmorPolicy.class));
        assertEquals(List.of("123", "true", "disable-shell"), p.spec().policy().enhanceProtect().hardeningRules());
    }

    @Test
    void everyUnknownFieldIsReportedWithPathLineAndSuggestion() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Manifests.parse(POLICY
                .replace("    kind: Pod", "    knd: Pod").replace("    mode:", "    mdoe:")));
        List<Diagnostic> d = e.diagnostics();
        assertEquals(2, d.size(), d.toString());
        assertEquals(ErrorId.UNKNOWN_FIELD, d.get(0).id());
        assertEquals("spec.target.knd", d.get(0).path());
        assertEquals(8, d.get(0).line());
        assertEquals(5, d.get(0).column());
        assertTrue(d.get(0).message().contains("did you mean \"kind\""), d.get(0).message());
        assertEquals("spec.policy.mdoe", d.get(1).path());
    }

    @Test
    void duplicateKeysControlCharactersAndWrongTypesAreErrors() {
        assertEquals(ErrorId.YAML_SYNTAX, first(POLICY + "metadata: {}\n").id());
        assertEquals(ErrorId.HOSTILE_VALUE, first(POLICY.replace("name: x", "name: \"x\\u2028y\"")).id());
        assertEquals(ErrorId.WRONG_TYPE, first(POLICY.replace("name: x", "name: [x]")).id());
        assertEquals(ErrorId.UNSUPPORTED_KIND, first(POLICY.replace("kind: VarmorPolicy", "kind: VarmorPolicie")).id());
        assertEquals(ErrorId.UNSUPPORTED_KIND, first(POLICY.replace("crd.varmor.org/v1beta1", "v1")).id());
    }

    @Test
    void multiDocumentFilesYieldEveryDocument() {
        String two = POLICY + "---\n" + POLICY.replace("kind: VarmorPolicy", "kind: VarmorClusterPolicy");
        List<ParsedDocument> docs = Manifests.parse(two);
        assertEquals(2, docs.size());
        assertTrue(docs.get(1).resource() instanceof VarmorClusterPolicy);
        assertEquals(23, docs.get(1).sourceMap().locate("metadata.name").line());
    }

    private static Diagnostic first(String text) {
        return assertThrows(InvalidInputException.class, () -> Manifests.parse(text)).diagnostics().get(0);
    }
}
