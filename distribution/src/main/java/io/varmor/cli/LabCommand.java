package io.varmor.cli;

import io.varmor.testkit.LabMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code varmor lab -- CMD…}: run a command in a throwaway VM whose kernel has BPF LSM and AppArmor. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = {"Run a command inside a disposable qemu VM with Debian's stock kernel (BPF LSM and AppArmor "
                + "active), to try policies on a host that lacks them. The host's files appear read-only at the same "
                + "paths (/tmp and /run are writable); the current directory is kept.",
            "Example: varmor lab -- ./varmor run --policy examples/demo/bpf.yaml -- cat /etc/shadow",
            "Exit status: the command's; 124 timeout; 125 usage; 126 lab unavailable; 127 boot failed."})
final class LabCommand implements Callable<Integer> {
    @Option(names = "--timeout", paramLabel = "S", description = "Kill the command after S seconds (default 600).")
    Long timeout;

    @Option(names = "--boot-timeout", paramLabel = "S", description = "Give up booting after S seconds (default 180).")
    Long bootTimeout;

    @Option(names = "--prepare", description = "Only download the kernel and build the initramfs.")
    boolean prepare;

    @Parameters(arity = "0..*", paramLabel = "CMD", description = "The command to run (after --).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (timeout != null) {
            args.addAll(List.of("--timeout", timeout.toString()));
        }
        if (bootTimeout != null) {
            args.addAll(List.of("--boot-timeout", bootTimeout.toString()));
        }
        if (prepare) {
            args.add("--prepare");
        }
        args.add("--");
        args.addAll(command);
        return LabMain.run(args.toArray(String[]::new));
    }
}
