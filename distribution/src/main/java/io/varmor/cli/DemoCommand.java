package io.varmor.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code varmor demo}: a short scripted showcase of real enforcement, each denial next to an allowed control. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show real kernel enforcement on this host: each step runs a command under a policy from "
                + "examples/demo and shows what the kernel denied and the violation event varmor reported.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--examples", paramLabel = "DIR", description = "Directory with the demo policies (default: examples/demo of the checkout).")
    Path examples;

    record Step(String title, String policy, boolean expectDenied, List<String> command) {}

    @Override
    public Integer call() throws Exception {
        Path dir = examples != null ? examples : locate();
        List<Step> steps = List.of(
                new Step("Seccomp: creating a user namespace is denied (disallow-create-user-ns)", "seccomp-userns.yaml", true,
                        List.of("unshare", "--user", "--map-root-user", "id", "-u")),
                new Step("Seccomp: control - a mount namespace is still allowed", "seccomp-userns.yaml", false,
                        List.of("unshare", "--mount", "true")),
                new Step("Seccomp: setting the execute bit is denied (disable-chmod-x-bit)", "seccomp-userns.yaml", true,
                        List.of("sh", "-c", "f=$(mktemp) && chmod 0755 \"$f\"; rc=$?; rm -f \"$f\"; exit $rc")),
                new Step("Seccomp: control - chmod 0644 is allowed", "seccomp-userns.yaml", false,
                        List.of("sh", "-c", "f=$(mktemp) && chmod 0644 \"$f\"; rc=$?; rm -f \"$f\"; exit $rc")));
        int failures = 0;
        for (Step s : steps) {
            System.out.println();
            System.out.println("== " + s.title());
            System.out.println("$ varmor run --policy " + dir.resolve(s.policy()) + " -- " + String.join(" ", s.command()));
            System.out.flush();
            List<String> args = new ArrayList<>(List.of("run", "--policy", dir.resolve(s.policy()).toString(), "--"));
            args.addAll(s.command());
            int code = new CommandLine(new VarmorCli()).execute(args.toArray(String[]::new));
            boolean denied = code != 0;
            boolean ok = denied == s.expectDenied() && code != 125;
            System.out.println("-> exit " + code + (ok ? (denied ? ": denied by the kernel, as the policy says" : ": allowed, as it should be")
                    : ": UNEXPECTED"));
            if (!ok) {
                failures++;
            }
        }
        System.out.println();
        System.out.println("BPF LSM and AppArmor steps: not shown yet - this host " + hostNote()
                + "; their node-side enforcement is still being built (see `varmor doctor`).");
        return failures == 0 ? 0 : 1;
    }

    private static String hostNote() {
        boolean apparmor = Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"));
        return apparmor ? "has AppArmor" : "has no AppArmor and refuses BPF LSM programs";
    }

    private static Path locate() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("examples/demo"))) {
                return q.resolve("examples/demo");
            }
        }
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path q = jar.getParent(); q != null; q = q.getParent()) {
                if (Files.isDirectory(q.resolve("examples/demo"))) {
                    return q.resolve("examples/demo");
                }
            }
        } catch (Exception ignored) {
            // fall through
        }
        throw new CommandLine.ParameterException(new CommandLine(new DemoCommand()), "cannot find examples/demo; pass --examples DIR");
    }
}
