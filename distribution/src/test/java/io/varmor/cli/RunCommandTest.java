package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.io.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code varmor run} end to end on this host with the Seccomp enforcer: the kernel decides, events arrive with the
 * deciding rule, exit codes follow the command, and nothing is left behind.
 */
class RunCommandTest {
    static Path policy;
    @TempDir
    static Path dir;

    @BeforeAll
    static void policy() throws Exception {
        HostRequirement.seccompAndRoot();
        policy = Fixtures.root().resolve("examples/demo/seccomp-userns.yaml");
    }

    static List<JsonNode> events(Path file) throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> {
                try {
                    return Manifests.json().readTree(l);
                } catch (Exception e) {
                    throw new AssertionError(l, e);
                }
            }).toList();
        }
    }

    @Test
    void theVeryFirstActionOfTheCommandIsAlreadyDenied() throws Exception {
        Path ev = dir.resolve("first.jsonl");
        CliTest.Run r = CliTest.run("run", "--policy", policy.toString(), "--events", ev.toString(), "--", "unshare", "-U", "true");
        assertEquals(1, r.exit(), r.err());
        List<JsonNode> events = events(ev);
        assertEquals(1, events.size(), events.toString());
        JsonNode e = events.get(0);
        assertEquals("Seccomp", e.get("enforcer").asText());
        assertEquals("DENIED", e.get("action").asText());
        assertEquals("disallow-create-user-ns", e.get("ruleId").asText());
        assertEquals("unshare", e.at("/event/syscall").asText());
        assertEquals("varmor-local-demo-seccomp", e.get("profileName").asText());
        assertEquals("VarmorPolicy", e.get("policyKind").asText());
    }

    @Test
    void allowedActionsRunAndTheCommandsExitCodeIsReturned() throws Exception {
        Path ev = dir.resolve("allowed.jsonl");
        CliTest.Run r = CliTest.run("run", "--policy", policy.toString(), "--events", ev.toString(), "--",
                "sh", "-c", "unshare -m true && touch " + dir.resolve("f") + " && chmod 0644 " + dir.resolve("f") + " && exit 7");
        assertEquals(7, r.exit(), r.err());
        assertEquals(0, events(ev).size(), "no violation for allowed actions");
    }

    @Test
    void eachDeniedActionIsReportedOnce() throws Exception {
        Path ev = dir.resolve("two.jsonl");
        Path f = dir.resolve("x");
        CliTest.Run r = CliTest.run("run", "--policy", policy.toString(), "--events", ev.toString(), "--",
                "sh", "-c", "unshare -U true; touch " + f + "; chmod +x " + f + "; exit 0");
        assertEquals(0, r.exit(), r.err());
        List<String> rules = events(ev).stream().map(e -> e.get("ruleId").asText()).sorted().toList();
        assertEquals(List.of("disable-chmod-x-bit", "disallow-create-user-ns"), rules);
    }

    @Test
    void aBrokenPolicyExits125AndAMissingCommand127() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(policy).replace("disallow-create-user-ns", "disallow-create-usr-ns"));
        CliTest.Run r = CliTest.run("run", "--policy", bad.toString(), "--", "true");
        assertEquals(125, r.exit());
        assertTrue(r.err().contains("unknown-rule"), r.err());
        assertEquals(127, CliTest.run("run", "--policy", policy.toString(), "--", "/no/such/command").exit());
        Path notExecutable = Files.writeString(dir.resolve("data.txt"), "not a program");
        assertEquals(126, CliTest.run("run", "--policy", policy.toString(), "--", notExecutable.toString()).exit());
    }

    @Test
    void aPolicyNeedingAMissingEnforcerFailsUnlessPartialRunsAreAllowed() throws Exception {
        Path both = dir.resolve("both.yaml");
        Files.writeString(both, Files.readString(policy).replace("enforcer: Seccomp", "enforcer: BPFSeccomp"));
        CliTest.Run refused = CliTest.run("run", "--policy", both.toString(), "--", "true");
        assertEquals(125, refused.exit());
        assertTrue(refused.err().contains("BPF: UNAVAILABLE"), refused.err());
        CliTest.Run partial = CliTest.run("run", "--allow-partial", "--policy", both.toString(), "--", "unshare", "-U", "true");
        assertEquals(1, partial.exit(), partial.err());
    }

    @Test
    void localRuntimeDefaultAllowsOrdinaryProgramsAndDeniesWhatRuntimesDeny() throws Exception {
        Path rd = Fixtures.root().resolve("examples/demo/seccomp-runtime-default.yaml");
        Path ev = dir.resolve("rd.jsonl");
        assertEquals(0, CliTest.run("run", "--policy", rd.toString(), "--", "sh", "-c", "ls / > /dev/null && id -u > /dev/null").exit());
        CliTest.Run r = CliTest.run("run", "--policy", rd.toString(), "--events", ev.toString(), "--", "unshare", "-m", "true");
        assertEquals(1, r.exit(), r.err());
        List<JsonNode> events = events(ev);
        assertTrue(events.stream().anyMatch(e -> e.at("/event/syscall").asText().equals("unshare")
                && e.get("ruleId").asText().equals("runtime-default")), events.toString());
    }

    @Test
    void nothingIsLeftBehindAfterARun() throws Exception {
        Path runDir = Path.of(System.getenv().getOrDefault("VARMOR_RUN_DIR", "/run/varmor/runs"));
        CliTest.run("run", "--policy", policy.toString(), "--", "true");
        try (Stream<Path> s = Files.exists(runDir) ? Files.list(runDir) : Stream.empty()) {
            String mine = ProcessHandle.current().pid() + "-";
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(mine)), "run directory removed");
        }
    }
}
