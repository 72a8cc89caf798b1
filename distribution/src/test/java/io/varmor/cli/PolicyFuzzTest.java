package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.api.diag.InvalidInputException;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Drives 10,000 mutated policies through parse + validate + compile: every input either compiles or is rejected with
 * {@link InvalidInputException}; nothing else escapes and nothing hangs.
 */
class PolicyFuzzTest {
    static final int CASES = 10_000;
    static final String[] TOKENS = {"**", "*", "/", "..", "-1", "0", "99999999999999999999", "null", "~", "[]", "{}",
        "\"\"", "'", "\u0000", "\u2028", "\t", "&a", "*a", "!!binary", "? ", "- ", ": ", "---", "%YAML 1.2", "disable-shell",
        "AppArmorBPFSeccomp", "EnhanceProtect", "DefenseInDepth", "true", "1e309", "x".repeat(5000), "/etc/**/a/**",
        "SCMP_ACT_ERRNO", "index: 9", "port: 0", "cidr: 300.1.1.1/99", "ip: pod-self"};

    @Test
    void mutatedPoliciesOnlyEverProduceValidationErrors() throws Exception {
        List<String> seeds = new ArrayList<>();
        for (Path p : Fixtures.examplePolicies()) {
            seeds.add(Files.readString(p));
        }
        PolicyCompiler compiler = new PolicyCompiler(Plugins.discover(), CompileOptions.DEFAULT);
        Random random = new Random(20261126L);
        int compiled = 0;
        int rejected = 0;
        for (int i = 0; i < CASES; i++) {
            String input = mutate(seeds.get(random.nextInt(seeds.size())), random);
            final String in = input;
            int caseNo = i;
            Boolean ok = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                try {
                    compiler.compileText(in);
                    return true;
                } catch (InvalidInputException e) {
                    assertTrue(!e.diagnostics().isEmpty(), "rejection without diagnostics, case " + caseNo);
                    return false;
                } catch (RuntimeException | StackOverflowError e) {
                    throw new AssertionError("case " + caseNo + " escaped with " + e + "\ninput:\n" + in, e);
                }
            });
            if (ok) {
                compiled++;
            } else {
                rejected++;
            }
        }
        System.out.printf("fuzz: %d cases, %d compiled, %d rejected with diagnostics%n", CASES, compiled, rejected);
        assertTrue(compiled > 0 && rejected > 0, "the mutator should produce both outcomes");
    }

    static String mutate(String seed, Random r) {
        StringBuilder s = new StringBuilder(seed);
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            int pos = s.length() == 0 ? 0 : r.nextInt(s.length());
            switch (r.nextInt(7)) {
                case 0 -> s.insert(pos, TOKENS[r.nextInt(TOKENS.length)]);
                case 1 -> s.delete(pos, Math.min(s.length(), pos + 1 + r.nextInt(20)));
                case 2 -> s.setCharAt(Math.min(pos, Math.max(s.length() - 1, 0)), (char) (32 + r.nextInt(95)));
                case 3 -> {
                    // replace a scalar value after ": " with a token
                    int colon = s.indexOf(": ", pos);
                    if (colon > 0) {
                        int end = s.indexOf("\n", colon);
                        s.replace(colon + 2, end < 0 ? s.length() : end, TOKENS[r.nextInt(TOKENS.length)]);
                    }
                }
                case 4 -> {
                    // duplicate or drop a line
                    String[] lines = s.toString().split("\n", -1);
                    int l = r.nextInt(lines.length);
                    List<String> out = new ArrayList<>(List.of(lines));
                    if (r.nextBoolean()) {
                        out.add(l, lines[l]);
                    } else {
                        out.remove(l);
                    }
                    s = new StringBuilder(String.join("\n", out));
                }
                case 5 -> {
                    // change indentation of a line
                    int nl = s.indexOf("\n", pos);
                    if (nl >= 0 && nl + 1 < s.length()) {
                        s.insert(nl + 1, r.nextBoolean() ? "  " : " ");
                    }
                }
                default -> {
                    // swap in a rule id or enforcer
                    String[] swaps = {"disable-shell", "disallow-io-uring", "disable-cap-all", "no-such-rule", "BPF", "Seccomp", "AppArmor"};
                    int dash = s.indexOf("- ", pos);
                    if (dash > 0) {
                        int end = s.indexOf("\n", dash);
                        s.replace(dash + 2, end < 0 ? s.length() : end, swaps[r.nextInt(swaps.length)]);
                    }
                }
            }
        }
        return s.toString();
    }
}
