package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.io.Manifests;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's exit codes and output formats. */
class CliTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = VarmorCli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static Path example(String name) {
        return Fixtures.root().resolve("examples/policies").resolve(name);
    }

    @Test
    void validateExitsZeroForValidPolicies() {
        Run r = run("validate", example("vpol-bpf-enhance.yaml").toString(), example("vpol-seccomp-enhance.yaml").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("vpol-bpf-enhance.yaml: valid"));
    }

    @Test
    void validateExitsOneAndPrintsFileLineColumnIdForInvalidPolicies(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: p, namespace: ns}
                spec:
                  target: {kind: Pod, name: x}
                  policy:
                    enforcer: BPF
                    mode: EnhanceProtect
                    enhanceProtect:
                      hardeningRules: [disable-shel]
                """);
        Run r = run("validate", bad.toString(), example("vpol-bpf-enhance.yaml").toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains(bad + ":10:24: unknown-rule: unknown rule id \"disable-shel\"; did you mean \"disable-shell\"?"), r.out());
        Run json = run("validate", "--json", bad.toString());
        assertEquals(1, json.exit());
        JsonNode n = Manifests.json().readTree(json.out());
        assertEquals("unknown-rule", n.at("/results/0/errors/0/id").asText());
        assertEquals(10, n.at("/results/0/errors/0/line").asInt());
    }

    @Test
    void validateExitsTwoOnUsageErrors() {
        assertEquals(2, run("validate").exit());
        assertEquals(2, run("validate", "/no/such/file.yaml").exit());
        assertEquals(2, run("validate", "--no-such-flag", "x").exit());
    }

    @Test
    void compileWritesTheArmorProfileAndEachEnforcersArtefact(@TempDir Path dir) throws Exception {
        Run r = run("compile", example("vpol-bpf-enhance.yaml").toString(), "--out", dir.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(dir.resolve("varmor-demo-demo-2.armorprofile.yaml")));
        JsonNode tables = Manifests.json().readTree(Files.readString(dir.resolve("varmor-demo-demo-2.bpf.json")));
        assertEquals("varmor-demo-demo-2", tables.get("profile").asText());
        assertTrue(tables.get("files").size() > 0);
        Run seccomp = run("compile", example("vpol-seccomp-enhance.yaml").toString(), "--out", dir.toString());
        assertEquals(0, seccomp.exit(), seccomp.err());
        assertTrue(Files.exists(dir.resolve("varmor-demo-demo-4.seccomp.json")));
    }

    @Test
    void rulesJsonListsEveryRuleWithCoverageAndWhereWeGoBeyondVarmor() throws Exception {
        Run r = run("rules", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode n = Manifests.json().readTree(r.out());
        JsonNode rules = n.get("rules");
        assertTrue(rules.size() >= 99, "rules: " + rules.size());
        boolean ioUring = false;
        for (JsonNode rule : rules) {
            if (rule.get("id").asText().equals("disallow-io-uring")) {
                ioUring = rule.at("/coverage/Seccomp/covered").asBoolean()
                        && rule.get("beyondVarmor").toString().contains("Seccomp");
            }
        }
        assertTrue(ioUring, "disallow-io-uring is a Seccomp rule beyond vArmor");
        Run bpf = run("rules", "--enforcer", "bpf");
        assertEquals(0, bpf.exit());
        assertTrue(bpf.out().contains("disable-shell"));
        assertTrue(!bpf.out().contains("dirty-pipe-mitigation"), "dirty-pipe is Seccomp-only");
    }

    @Test
    void helpAndVersionWorkEverywhere() {
        assertEquals(0, run("--help").exit());
        assertEquals(0, run("--version").exit());
        for (String sub : new String[] {"rules", "validate", "compile"}) {
            Run r = run(sub, "--help");
            assertEquals(0, r.exit(), sub);
            assertTrue(r.out().contains("Usage: varmor " + sub), r.out());
        }
    }
}
