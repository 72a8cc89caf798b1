package org.example.varmor.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.event.ViolationEvent;
import io.varmor.core.compile.CompiledPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library used from outside, against the published artefacts: validate, compile, run and receive events. */
class EmbeddingTest {
    @TempDir
    Path tmp;
    private final PolicyGuard guard = new PolicyGuard(EmbeddingTest.class.getClassLoader(), List.of());

    private static String resource(String name) throws IOException {
        try (InputStream in = EmbeddingTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void findsTheEnforcersOnItsClassPath() {
        assertTrue(guard.enforcers().contains("Seccomp"), guard.enforcers().toString());
    }

    @Test
    void validationReportsEveryProblemWithItsLineColumnAndField() throws IOException {
        List<String> problems = guard.validate("invalid.yaml", resource("invalid.yaml"));
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("invalid.yaml:15:9: unknown-rule: unknown rule id \"disallow-create-user-nss\"; did you mean "
                + "\"disallow-create-user-ns\"? (run `varmor rules` for the list) (at spec.policy.enhanceProtect.hardeningRules[0])",
                problems.get(0));
        assertTrue(problems.get(1).startsWith("invalid.yaml:16:9: rule-not-enforceable: rule disable-cap-all cannot be enforced by Seccomp"),
                problems.get(1));
        assertEquals(List.of(), guard.validate("userns.yaml", resource("userns.yaml")));
    }

    @Test
    void compilationYieldsEachSelectedEnforcersArtefact() throws IOException {
        CompiledPolicy c = guard.compile(resource("userns.yaml"));
        assertEquals("varmor-tool-embedded", c.ir().profileName());
        assertEquals(List.of("Seccomp"), List.copyOf(c.artifacts().keySet()));
        assertTrue(c.artifacts().get("Seccomp").content().contains("unshare"));
        assertEquals(List.of("Seccomp"), c.coverage().get("disallow-create-user-ns"));
    }

    @Test
    void compilationOfAnInvalidPolicyThrowsWithAllDiagnostics() throws IOException {
        String text = resource("invalid.yaml");
        try {
            guard.compile(text);
            fail("expected InvalidInputException");
        } catch (InvalidInputException e) {
            assertEquals(2, e.diagnostics().size());
            assertEquals("spec.policy.enhanceProtect.hardeningRules[0]", e.diagnostics().get(0).path());
        }
    }

    @Test
    void runDeliversTheKernelsViolationEventsToTheTool() throws IOException {
        require("root".equals(System.getProperty("user.name")) && Files.isReadable(Path.of("/dev/kmsg")),
                "root and /dev/kmsg (varmor-exec unshares a mount namespace; Seccomp reports through the kernel log)");
        CompiledPolicy c = guard.compile(resource("userns.yaml"));
        List<ViolationEvent> events = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream status = new ByteArrayOutputStream();
        Path exe = VarmorExecLocator.locate(tmp);
        int code = guard.run(c, List.of("unshare", "--user", "true"), exe, tmp.resolve("runs"),
                new PrintStream(status, true, StandardCharsets.UTF_8), events::add);
        String log = status.toString(StandardCharsets.UTF_8);
        require(!log.contains("UNAVAILABLE"), "Seccomp available on this host: " + log);
        assertNotEquals(0, code, "unshare --user must fail under the policy: " + log);
        assertTrue(events.stream().anyMatch(e -> "Seccomp".equals(e.enforcer()) && "DENIED".equals(e.action())
                && "disallow-create-user-ns".equals(e.ruleId())), events + " / " + log);
        assertEquals(0, guard.run(c, List.of("true"), exe, tmp.resolve("runs"), new PrintStream(status, true, StandardCharsets.UTF_8),
                events::add), "an allowed command runs normally");
    }

    @Test
    void theToolPrintsFieldLocatedErrorsAndExitsOne() throws IOException {
        Path file = Files.writeString(tmp.resolve("bad.yaml"), resource("invalid.yaml"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(List.of("validate", file.toString()), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(1, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith(file + ":15:9: unknown-rule: "), out.toString(StandardCharsets.UTF_8));
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            if ("1".equals(System.getenv("VARMOR_REQUIRE_KERNEL_TESTS"))) {
                fail("kernel test requirement missing: " + what);
            }
            Assumptions.assumeTrue(false, what);
        }
    }
}
