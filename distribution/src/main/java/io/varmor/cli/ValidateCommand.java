package io.varmor.cli;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.core.compile.PolicyCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code varmor validate FILE…}. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check policies without applying them: schema, vArmor's validation rules, rule ids, raw rules, "
                + "and whether the selected enforcers can enforce every rule.",
            "Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files (YAML or JSON, multi-document allowed).")
    List<Path> files;

    @Option(names = "--json", description = "Print one JSON object with every file's result.")
    boolean json;

    @Override
    public Integer call() {
        PolicyCompiler compiler = Cli.compiler(Cli.plugins());
        int exit = 0;
        List<Map<String, Object>> results = new ArrayList<>();
        for (Path f : files) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("file", f.toString());
            try {
                String text = Files.readString(f);
                compiler.compileText(text);
                r.put("valid", true);
                r.put("errors", List.of());
                if (!json) {
                    System.out.println(f + ": valid");
                }
            } catch (NoSuchFileException e) {
                r.put("valid", false);
                r.put("errors", List.of(Map.of("id", "no-such-file", "message", "no such file")));
                System.err.println(f + ": no such file");
                exit = Math.max(exit, Cli.USAGE);
            } catch (IOException e) {
                r.put("valid", false);
                r.put("errors", List.of(Map.of("id", "unreadable", "message", String.valueOf(e.getMessage()))));
                System.err.println(f + ": cannot read: " + e.getMessage());
                exit = Math.max(exit, Cli.USAGE);
            } catch (InvalidInputException e) {
                r.put("valid", false);
                List<Map<String, Object>> errs = new ArrayList<>();
                for (Diagnostic d : e.diagnostics()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", d.id().id());
                    m.put("path", d.path());
                    m.put("line", d.line());
                    m.put("column", d.column());
                    m.put("message", d.message());
                    errs.add(m);
                    if (!json) {
                        System.out.println(d.format(f.toString()));
                    }
                }
                r.put("errors", errs);
                exit = Math.max(exit, Cli.INVALID);
            }
            results.add(r);
        }
        if (json) {
            System.out.println(Manifests.toPrettyJson(Map.of("results", results)));
        }
        return exit;
    }
}
