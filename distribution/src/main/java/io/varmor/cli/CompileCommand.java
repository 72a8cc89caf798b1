package io.varmor.cli;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.spi.EnforcerProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code varmor compile FILE [--out DIR]}. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = {"Compile a policy into its ArmorProfile and each selected enforcer's artefact "
                + "(<profile>.apparmor, <profile>.seccomp.json, <profile>.bpf.json).",
            "Without --out the ArmorProfile YAML is printed. Exit status: 0 compiled, 1 invalid policy, 2 usage error."})
final class CompileCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "Policy file (YAML or JSON).")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the ArmorProfile and artefacts into DIR.")
    Path out;

    @Override
    public Integer call() {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            System.err.println(file + ": cannot read: " + e.getMessage());
            return Cli.USAGE;
        }
        List<CompiledPolicy> compiled;
        try {
            compiled = Cli.compiler(Cli.plugins()).compileText(text);
        } catch (InvalidInputException e) {
            for (Diagnostic d : e.diagnostics()) {
                System.err.println(d.format(file.toString()));
            }
            return Cli.INVALID;
        }
        if (compiled.isEmpty()) {
            System.err.println(file + ": holds no VarmorPolicy or VarmorClusterPolicy");
            return Cli.INVALID;
        }
        try {
            for (CompiledPolicy c : compiled) {
                c.warnings().forEach(w -> System.err.println(file + ": warning: " + w));
                String yaml = Manifests.toYaml(c.armorProfile());
                if (out == null) {
                    System.out.print(yaml);
                    continue;
                }
                Files.createDirectories(out);
                Path ap = out.resolve(c.ir().profileName() + ".armorprofile.yaml");
                Files.writeString(ap, yaml);
                System.out.println("wrote " + ap);
                for (EnforcerProfile a : c.artifacts().values()) {
                    Path p = out.resolve(a.fileName());
                    Files.writeString(p, a.content());
                    System.out.println("wrote " + p);
                }
            }
        } catch (IOException e) {
            System.err.println("cannot write: " + e.getMessage());
            return Cli.USAGE;
        }
        return 0;
    }
}
