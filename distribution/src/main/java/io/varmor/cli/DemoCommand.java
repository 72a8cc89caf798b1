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

    @Option(names = "--part", paramLabel = "P", defaultValue = "all",
            description = "seccomp, apparmor, bpf or all (default). Parts this host cannot enforce run inside the kernel lab.")
    String part;

    @Option(names = "--no-lab", description = "Skip parts this host cannot enforce instead of running them in the kernel lab.")
    boolean noLab;

    record Step(String title, String policy, boolean expectDenied, List<String> command) {}

    @Override
    public Integer call() throws Exception {
        Path dir = examples != null ? examples : locate();
        int failures = 0;
        if (part.equals("all") || part.equals("seccomp")) {
            failures += steps(dir, List.of(
                    new Step("Seccomp: creating a user namespace is denied (disallow-create-user-ns)", "seccomp-userns.yaml", true,
                            List.of("unshare", "--user", "--map-root-user", "id", "-u")),
                    new Step("Seccomp: control - a mount namespace is still allowed", "seccomp-userns.yaml", false,
                            List.of("unshare", "--mount", "true")),
                    new Step("Seccomp: setting the execute bit is denied (disable-chmod-x-bit)", "seccomp-userns.yaml", true,
                            List.of("sh", "-c", "f=$(mktemp) && chmod 0755 \"$f\"; rc=$?; rm -f \"$f\"; exit $rc")),
                    new Step("Seccomp: control - chmod 0644 is allowed", "seccomp-userns.yaml", false,
                            List.of("sh", "-c", "f=$(mktemp) && chmod 0644 \"$f\"; rc=$?; rm -f \"$f\"; exit $rc"))));
        }
        if (part.equals("all") || part.equals("apparmor")) {
            if (Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"))) {
                failures += steps(dir, List.of(
                        new Step("AppArmor: running a shell is denied, even as the command itself (disable-shell)", "apparmor.yaml", true,
                                List.of("sh", "-c", "echo unreachable")),
                        new Step("AppArmor: control - other programs run", "apparmor.yaml", false, List.of("id", "-un")),
                        new Step("AppArmor: CAP_NET_ADMIN is denied even to root (disable-cap-net-admin)", "apparmor.yaml", true,
                                List.of("ip", "link", "add", "vdemo0", "type", "dummy"))));
            } else if (noLab) {
                System.out.println("\nAppArmor part skipped: this host has no AppArmor (run without --no-lab to use the kernel lab).");
            } else {
                failures += inLab(dir, "apparmor");
            }
        }
        if (part.equals("all") || part.equals("bpf")) {
            if (bpfAvailable()) {
                failures += steps(dir, List.of(
                        new Step("BPF LSM: writing under /etc is denied (disable-write-etc)", "bpf.yaml", true,
                                List.of("touch", "/etc/varmor-demo")),
                        new Step("BPF LSM: control - writing under /tmp is allowed", "bpf.yaml", false,
                                List.of("touch", "/tmp/varmor-demo")),
                        new Step("BPF LSM: running a shell is denied, even as the command itself (disable-shell)", "bpf.yaml", true,
                                List.of("sh", "-c", "echo unreachable")),
                        new Step("BPF LSM: control - other programs run", "bpf.yaml", false, List.of("id", "-un"))));
            } else if (noLab) {
                System.out.println("\nBPF LSM part skipped: this host refuses BPF LSM programs (run without --no-lab to use the kernel lab).");
            } else {
                failures += inLab(dir, "bpf");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    private int steps(Path dir, List<Step> steps) {
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
        return failures;
    }

    /** Runs one part of the demo inside the kernel lab (this JVM's classpath is visible there: host root over 9p). */
    private int inLab(Path dir, String what) {
        System.out.println();
        System.out.println("== " + what + ": this host cannot enforce it, so this part runs in the kernel lab (a qemu VM with "
                + "Debian's stock kernel; booting takes 10-30 s)");
        System.out.flush();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String demo = String.join(" ", java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                "'" + System.getProperty("java.class.path") + "'", VarmorCli.class.getName(), "demo", "--part", what, "--no-lab",
                "--examples", "'" + dir.toAbsolutePath() + "'");
        // The lab shows the host's files read-only; a private copy-on-write /etc lets the /etc write reach the LSM.
        String[] lab = {"--", "unshare", "-m", "sh", "-c", "mkdir -p /run/demo-etc/u /run/demo-etc/w && mount -t overlay overlay "
            + "-o lowerdir=/etc,upperdir=/run/demo-etc/u,workdir=/run/demo-etc/w /etc && exec " + demo};
        int code = io.varmor.testkit.LabMain.run(lab);
        return code == 0 ? 0 : 1;
    }

    private static boolean bpfAvailable() {
        io.varmor.core.spi.NodeCapabilities node = new io.varmor.core.engine.NodeProbe().probe();
        return Cli.plugins().enforcer("BPF").map(e -> e.availability(node).available()).orElse(false);
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
