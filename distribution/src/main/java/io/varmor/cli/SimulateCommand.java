package io.varmor.cli;

import io.varmor.api.ArmorProfileModel;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.model.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code varmor simulate --policy P --model M}. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Replay recorded behaviour (an ArmorProfileModel) against a candidate policy and list what the policy "
                + "would deny, without enforcing anything.", "Exit status: 0 nothing would be denied, 1 something would, 2 usage error."})
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--policy", required = true, paramLabel = "P")
    Path policy;

    @Option(names = "--model", required = true, paramLabel = "M")
    Path model;

    @Override
    public Integer call() {
        try {
            CompiledPolicy compiled = Cli.compiler(Cli.plugins()).compileText(Files.readString(policy)).get(0);
            ArmorProfileModel m = Manifests.parseOne(Files.readString(model), ArmorProfileModel.class);
            if (m.data() == null || m.data().dynamicResult() == null) {
                System.err.println("varmor: " + model + " holds no recorded behaviour (data.dynamicResult)");
                return Cli.USAGE;
            }
            List<Simulator.Finding> findings = Simulator.simulate(compiled, m.data().dynamicResult());
            findings.forEach(f -> System.out.println(f));
            System.out.println(findings.isEmpty() ? "nothing in the recorded behaviour would be denied"
                    : findings.size() + " recorded action(s) would be denied");
            return findings.isEmpty() ? 0 : 1;
        } catch (IOException e) {
            System.err.println("varmor: " + e.getMessage());
            return Cli.USAGE;
        } catch (InvalidInputException e) {
            for (Diagnostic d : e.diagnostics()) {
                System.err.println(d.format(policy + " / " + model));
            }
            return Cli.USAGE;
        }
    }
}
