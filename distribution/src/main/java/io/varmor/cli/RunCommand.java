package io.varmor.cli;

import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.engine.LocalRunner;
import io.varmor.core.engine.NodeProbe;
import io.varmor.core.events.ConsoleSink;
import io.varmor.core.events.EventPipeline;
import io.varmor.core.events.JsonLinesSink;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EventSink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code varmor run --policy FILE -- CMD…}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a command sandboxed by a policy on this host. The command starts in a fresh mount namespace "
                + "and is bound to every selected enforcer before it executes; violations are printed as they happen.",
            "Exit status: the command's; 125 when varmor failed before the command ran; 126/127 when the command "
                + "cannot be executed or found."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "Policy file (its first policy is used).")
    Path policy;

    @Option(names = "--enforcer", paramLabel = "E", split = ",", description = "Use only these enforcers of the policy.")
    List<String> enforcers = new ArrayList<>();

    @Option(names = "--allow-partial", description = "Run with the enforcers this host offers when some are unavailable.")
    boolean allowPartial;

    @Option(names = "--events", paramLabel = "FILE|-", description = "Also write events as JSON lines to FILE (rotated at 10 MB, 3 backups) or - for stdout.")
    String events;

    @Option(names = "--json", description = "Print violations as JSON lines (vArmor's violations.log fields) instead of text.")
    boolean json;

    @Option(names = "--quiet", description = "Do not print violations on stderr.")
    boolean quiet;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Write violation counters in Prometheus text format to FILE when the command exits.")
    Path metrics;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() {
        PrintStream err = System.err;
        Plugins plugins = Cli.plugins();
        CompiledPolicy compiled;
        try {
            List<CompiledPolicy> all = Cli.compiler(plugins).compileText(Files.readString(policy));
            if (all.isEmpty()) {
                err.println("varmor: " + policy + " holds no VarmorPolicy or VarmorClusterPolicy");
                return LocalRunner.EXIT_VARMOR_FAILED;
            }
            compiled = all.get(0);
        } catch (IOException e) {
            err.println("varmor: cannot read " + policy + ": " + e.getMessage());
            return LocalRunner.EXIT_VARMOR_FAILED;
        } catch (InvalidInputException e) {
            for (Diagnostic d : e.diagnostics()) {
                err.println(d.format(policy.toString()));
            }
            return LocalRunner.EXIT_VARMOR_FAILED;
        }
        compiled.warnings().forEach(w -> err.println("varmor: warning: " + w));
        Path shim;
        try {
            shim = Shim.locate();
        } catch (IOException e) {
            err.println("varmor: " + e.getMessage());
            return LocalRunner.EXIT_VARMOR_FAILED;
        }
        List<EventSink> sinks = new ArrayList<>();
        if (!quiet) {
            sinks.add(new ConsoleSink(err, json));
        }
        if ("-".equals(events)) {
            sinks.add(new ConsoleSink(System.out, true));
        } else if (events != null) {
            sinks.add(new JsonLinesSink(Path.of(events), JsonLinesSink.DEFAULT_MAX_BYTES, JsonLinesSink.DEFAULT_BACKUPS));
        }
        io.varmor.core.events.MetricsSink counters = new io.varmor.core.events.MetricsSink();
        sinks.add(counters);
        EventPipeline pipeline = new EventPipeline(4096, sinks);
        try {
            NodeProbe probe = new NodeProbe();
            probe.mountMissingFilesystems();
            LocalRunner runner = new LocalRunner(plugins, probe.probe());
            int code = runner.run(compiled, command, new LocalRunner.Options(shim, enforcers, allowPartial,
                    Path.of(System.getenv().getOrDefault("VARMOR_RUN_DIR", "/run/varmor/runs")), err), pipeline);
            return code;
        } finally {
            pipeline.close();
            if (pipeline.dropped() > 0) {
                err.println("varmor: " + pipeline.dropped() + " events dropped (queue full)");
                counters.addDropped(pipeline.dropped());
            }
            if (metrics != null) {
                try {
                    Files.writeString(metrics, counters.render());
                } catch (IOException e) {
                    err.println("varmor: cannot write " + metrics + ": " + e.getMessage());
                }
            }
        }
    }
}
