package io.varmor.cli;

import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.api.model.DynamicResult;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.engine.LocalRunner;
import io.varmor.core.engine.NodeProbe;
import io.varmor.core.events.ConsoleSink;
import io.varmor.core.events.EventPipeline;
import io.varmor.core.model.BehaviorRecorder;
import io.varmor.core.model.ModelPolicies;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EventSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code varmor model -- CMD…}: learn what a command does and write a model and a deny-by-default policy. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = {"Run a command in BehaviorModeling mode (everything allowed and recorded), then write the learned "
                + "ArmorProfileModel and a ready-to-apply DefenseInDepth policy that allows exactly what was seen.",
            "Learning stops when the command exits, after --duration, or once nothing new was seen for --until-stable."})
final class ModelCommand implements Callable<Integer> {
    @Option(names = "--name", defaultValue = "model", description = "Policy name for the outputs (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--duration", paramLabel = "D", description = "Stop learning after D (e.g. 30s, 5m).")
    String duration;

    @Option(names = "--until-stable", paramLabel = "W", description = "Stop once no new behaviour appeared for W (e.g. 10s).")
    String untilStable;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where to write <name>.model.yaml and <name>.policy.yaml.")
    Path out;

    @Option(names = "--observe", description = "Make the generated policy allow and report violations (allowViolations) instead of denying them.")
    boolean observe;

    @Parameters(arity = "1..*", paramLabel = "CMD")
    List<String> command;

    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase();
        long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        if (t.endsWith("ms")) {
            return Duration.ofMillis(n);
        }
        if (t.endsWith("m")) {
            return Duration.ofMinutes(n);
        }
        if (t.endsWith("h")) {
            return Duration.ofHours(n);
        }
        return Duration.ofSeconds(n);
    }

    @Override
    public Integer call() throws IOException {
        Plugins plugins = Cli.plugins();
        String policyYaml = """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: %s, namespace: local}
                spec:
                  target: {kind: Pod, name: %s}
                  policy:
                    enforcer: Seccomp
                    mode: BehaviorModeling
                    modelingOptions: {duration: 1}
                """.formatted(name, name);
        CompiledPolicy compiled;
        try {
            compiled = Cli.compiler(plugins).compileText(policyYaml).get(0);
        } catch (InvalidInputException e) {
            System.err.println("varmor: " + e.getMessage());
            return LocalRunner.EXIT_VARMOR_FAILED;
        }
        Duration window = untilStable == null ? Duration.ofDays(1) : parseDuration(untilStable);
        BehaviorRecorder recorder = new BehaviorRecorder(window);
        List<EventSink> sinks = new ArrayList<>();
        sinks.add(recorder::accept);
        if (System.getenv("VARMOR_MODEL_TRACE") != null) {
            sinks.add(new ConsoleSink(System.err, true));
        }
        int code;
        long started = System.nanoTime();
        NodeProbe probe = new NodeProbe();
        probe.mountMissingFilesystems();
        try (EventPipeline pipeline = new EventPipeline(1 << 16, sinks)) {
            LocalRunner.Options o = new LocalRunner.Options(Shim.locate(), List.of(), false,
                    Path.of(System.getenv().getOrDefault("VARMOR_RUN_DIR", "/run/varmor/runs")), System.err,
                    duration == null ? null : parseDuration(duration), untilStable == null ? null : recorder::converged);
            code = new LocalRunner(plugins, probe.probe()).run(compiled, command, o, pipeline);
            if (pipeline.dropped() > 0) {
                System.err.println("varmor: WARNING " + pipeline.dropped() + " behaviour events were dropped; the model is incomplete");
            }
        }
        if (code == LocalRunner.EXIT_VARMOR_FAILED) {
            return code;
        }
        DynamicResult result = recorder.snapshot();
        Files.createDirectories(out);
        Path modelFile = out.resolve(name + ".model.yaml");
        Path policyFile = out.resolve(name + ".policy.yaml");
        Files.writeString(modelFile, Manifests.toYaml(ModelPolicies.model(compiled.ir().profileName(), "local", result)));
        Files.writeString(policyFile, Manifests.toYaml(ModelPolicies.defenseInDepth(name, "local", result, observe)));
        int syscalls = result.seccomp() == null ? 0 : result.seccomp().syscalls().size();
        System.err.printf("varmor: modelled %s in %.1f s: %d events, %d distinct syscalls; command exited %d%n",
                String.join(" ", command), (System.nanoTime() - started) / 1e9, recorder.eventCount(), syscalls, code);
        System.err.println("varmor: wrote " + modelFile + " and " + policyFile);
        return 0;
    }
}
