package org.example.varmor.embedding;

import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.event.ViolationEvent;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.spi.EnforcerProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small tool built on {@link PolicyGuard}:
 *
 * <pre>
 * embedding [--plugins DIR] validate FILE        field-located errors, exit 1 when invalid
 * embedding [--plugins DIR] run FILE -- CMD...   compile, run CMD confined, print each violation event as it arrives
 * </pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs the tool; returns its exit code (2: usage). */
    public static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
        List<Path> plugins = new ArrayList<>();
        int i = 0;
        while (i + 1 < args.size() && args.get(i).equals("--plugins")) {
            plugins.add(Path.of(args.get(i + 1)));
            i += 2;
        }
        if (args.size() < i + 2) {
            err.println("usage: embedding [--plugins DIR] validate FILE | run FILE -- CMD...");
            return 2;
        }
        PolicyGuard guard = new PolicyGuard(Main.class.getClassLoader(), plugins);
        Path file = Path.of(args.get(i + 1));
        String text = Files.readString(file);
        List<String> problems = guard.validate(file.toString(), text);
        problems.forEach(out::println);
        if (!problems.isEmpty()) {
            return 1;
        }
        if (args.get(i).equals("validate")) {
            out.println(file + ": valid (enforcers found: " + String.join(", ", guard.enforcers()) + ")");
            return 0;
        }
        int dash = args.indexOf("--");
        if (!args.get(i).equals("run") || dash < 0 || dash == args.size() - 1) {
            err.println("usage: embedding [--plugins DIR] run FILE -- CMD...");
            return 2;
        }
        CompiledPolicy policy;
        try {
            policy = guard.compile(text);
        } catch (InvalidInputException e) {
            e.diagnostics().forEach(d -> out.println(d.format(file.toString())));
            return 1;
        }
        for (EnforcerProfile a : policy.artifacts().values()) {
            out.println("compiled " + a.enforcerId() + " artefact " + a.fileName() + " (sha256 " + a.contentHash().substring(0, 12) + ")");
        }
        Path work = Files.createTempDirectory("varmor-embedding");
        try {
            Path exe = VarmorExecLocator.locate(work);
            return guard.run(policy, args.subList(dash + 1, args.size()), exe, work.resolve("runs"), err,
                    e -> out.println(describe(e)));
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One line per event, as a tool would log it. */
    public static String describe(ViolationEvent e) {
        return "event: " + e.action() + " by " + e.enforcer() + " (rule " + e.ruleId() + "): " + e.event();
    }
}
