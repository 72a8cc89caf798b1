package org.example.varmor.embedding;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.engine.LocalRunner;
import io.varmor.core.engine.NodeProbe;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EventSink;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a security tool embeds: varmor's policy handling behind three calls. Enforcers are whatever
 * {@link java.util.ServiceLoader} finds on the class path, plus the jars of any plugin directories (one class loader
 * per jar, as the {@code varmor} CLI does).
 */
public final class PolicyGuard {
    private final Plugins plugins;
    private final PolicyCompiler compiler;

    public PolicyGuard(ClassLoader loader, List<Path> pluginDirs) {
        this.plugins = Plugins.discover(loader, pluginDirs);
        this.compiler = new PolicyCompiler(plugins, CompileOptions.DEFAULT);
    }

    /** The enforcers found, by id. */
    public List<String> enforcers() {
        return plugins.enforcers().stream().map(Enforcer::id).collect(Collectors.toList());
    }

    /**
     * Every problem in {@code text}, formatted {@code SOURCE:LINE:COL: ERROR_ID: message (at FIELD)}; empty when
     * the policies are valid and the selected enforcers can enforce every rule.
     */
    public List<String> validate(String source, String text) {
        try {
            compiler.compileText(text);
            return List.of();
        } catch (InvalidInputException e) {
            return e.diagnostics().stream().map(d -> d.format(source)).collect(Collectors.toList());
        }
    }

    /** The first policy in {@code text}, compiled; throws {@link InvalidInputException} with every problem. */
    public CompiledPolicy compile(String text) {
        List<CompiledPolicy> all = compiler.compileText(text);
        if (all.isEmpty()) {
            throw new InvalidInputException(List.of(new Diagnostic(io.varmor.api.diag.ErrorId.MISSING_FIELD, "", 0, 0,
                    "no VarmorPolicy or VarmorClusterPolicy in the input")));
        }
        return all.get(0);
    }

    /**
     * Runs {@code command} under {@code policy} on this host and returns its exit code (125: varmor failed before it
     * ran). Violation events go to {@code events} as the kernel reports them; {@code events} must be thread-safe.
     */
    public int run(CompiledPolicy policy, List<String> command, Path varmorExec, Path runDir, PrintStream status,
                   EventSink events) {
        NodeProbe probe = new NodeProbe();
        LocalRunner runner = new LocalRunner(plugins, probe.probe());
        return runner.run(policy, command, new LocalRunner.Options(varmorExec, List.of(), false, runDir, status), events);
    }
}
