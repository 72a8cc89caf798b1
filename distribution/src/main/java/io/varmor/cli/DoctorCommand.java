package io.varmor.cli;

import io.varmor.core.engine.NodeProbe;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.NodeCapabilities;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code varmor doctor}. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Report what this node can enforce, and why not where it cannot.",
            "Exit status: 0 when at least one enforcer is available, 1 when none is."})
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        NodeProbe probe = new NodeProbe();
        probe.mountMissingFilesystems().forEach(m -> System.out.println("mounted:  " + m));
        NodeCapabilities node = probe.probe();
        System.out.println("kernel:   " + node.kernelRelease());
        System.out.println("lsm:      " + (node.activeLsms().isEmpty() ? "(unknown: securityfs not mounted)" : String.join(",", node.activeLsms())));
        for (Map.Entry<String, String> f : node.facts().entrySet()) {
            if (!f.getKey().contains(".")) {
                System.out.printf("%-9s %s%n", f.getKey() + ":", f.getValue());
            }
        }
        System.out.println();
        int available = 0;
        for (Enforcer e : Cli.plugins().enforcers()) {
            Availability a = e.availability(node);
            System.out.printf("%-9s %-12s %s%n", e.id(), a.available() ? "available" : "UNAVAILABLE", a.detail());
            if (a.available()) {
                available++;
            }
        }
        if (available == 0) {
            System.out.println("\nnothing on this node can enforce a policy; `varmor lab -- …` runs commands in a VM that can.");
            return 1;
        }
        return 0;
    }
}
