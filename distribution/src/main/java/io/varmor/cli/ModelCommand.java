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
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.SyscallRecorderProvider;
import io.varmor.core.spi.TargetBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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

    @Option(names = "--enforcer", defaultValue = "Seccomp", paramLabel = "E",
            description = "Enforcers that record (vArmor's names, combinable: Seccomp, AppArmor, BPF, AppArmorSeccomp, …; "
                    + "default: ${DEFAULT-VALUE}). The policy enforces the allow-lists of those that generate one "
                    + "(Seccomp, AppArmor); BPF records into the model only.")
    String enforcer;

    @Option(names = "--observe", description = "Make the generated policy allow and report violations (allowViolations) instead of denying them.")
    boolean observe;

    @Parameters(arity = "1..*", paramLabel = "CMD")
    List<String> command;

    /** What varmor-exec calls after the target is bound and before it executes the command. */
    static final List<String> LAUNCHER_SYSCALLS = List.of("prctl", "seccomp", "landlock_create_ruleset",
            "landlock_add_rule", "landlock_restrict_self");

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
                    enforcer: %s
                    mode: BehaviorModeling
                    modelingOptions: {duration: 1}
                """.formatted(name, name, enforcer);
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
        // Seccomp's log path can lose records under load; a lossless recorder (BPF: a per-namespace syscall bitmap,
        // which loads wherever raw tracepoints do) records every syscall of the target without a record per call.
        SyscallRecorderProvider.Recorder lossless = compiled.artifacts().containsKey("Seccomp") ? losslessRecorder() : null;
        List<String> losslessSeen = new ArrayList<>();
        try (EventPipeline pipeline = new EventPipeline(1 << 16, sinks)) {
            java.util.function.Function<TargetBinding, AutoCloseable> onBound = lossless == null ? null : t -> {
                lossless.watch(t.mountNamespaceId());
                return () -> {
                    losslessSeen.addAll(lossless.syscalls(t.mountNamespaceId()));
                    lossless.unwatch(t.mountNamespaceId());
                };
            };
            LocalRunner.Options o = new LocalRunner.Options(Shim.locate(), List.of(), false,
                    Path.of(System.getenv().getOrDefault("VARMOR_RUN_DIR", "/run/varmor/runs")), System.err,
                    duration == null ? null : parseDuration(duration), untilStable == null ? null : recorder::converged,
                    onBound);
            code = new LocalRunner(plugins, probe.probe()).run(compiled, command, o, pipeline);
            if (pipeline.dropped() > 0) {
                System.err.println("varmor: WARNING " + pipeline.dropped() + " behaviour events were dropped; the model is incomplete");
            }
            pipeline.lostUpstream().forEach((enforcer, n) -> System.err.println(enforcer.equals("Seccomp") && lossless != null
                    ? "varmor: " + n + " Seccomp log records were lost; the lossless recorder's syscalls cover them"
                    : "varmor: WARNING " + n + " " + enforcer + " events were lost before reaching varmor; the model may be incomplete"));
        } finally {
            if (lossless != null) {
                lossless.close();
            }
        }
        if (code == LocalRunner.EXIT_VARMOR_FAILED) {
            return code;
        }
        // merged after the log path has been drained, so the count below is what the log path really missed;
        // varmor-exec's own calls between binding and exec (installing the filter) are left to the log path
        losslessSeen.removeAll(LAUNCHER_SYSCALLS);
        List<String> unlogged = losslessSeen.stream().filter(ModelPolicies.SECCOMP_BASE::contains).toList();
        losslessSeen.removeAll(unlogged); // allowed without logging while modelling, so never in the log path
        int onlyLossless = recorder.addSyscalls(losslessSeen);
        recorder.addSyscalls(unlogged);
        DynamicResult result = recorder.snapshot();
        String profileName = compiled.ir().profileName();
        Map<String, String> generated = new TreeMap<>();
        for (String id : compiled.artifacts().keySet()) {
            if (id.equals("Seccomp") || id.equals("BPF")) {
                continue; // their allow-lists are written into the policy by ModelPolicies
            }
            plugins.enforcer(id).flatMap(e -> e.profileFromModel(profileName, result)).ifPresentOrElse(
                    text -> generated.put(id, text),
                    () -> System.err.println("varmor: " + id + " recorded into the model but generates no allow-list"));
        }
        boolean seccomp = compiled.artifacts().containsKey("Seccomp");
        boolean bpf = compiled.artifacts().containsKey("BPF");
        Files.createDirectories(out);
        Path modelFile = out.resolve(name + ".model.yaml");
        Path policyFile = out.resolve(name + ".policy.yaml");
        Files.writeString(modelFile, Manifests.toYaml(ModelPolicies.model(profileName, "local", result)));
        if (!seccomp && !bpf && generated.isEmpty()) {
            System.err.println("varmor: wrote " + modelFile + "; no policy, since no selected enforcer generates allow-lists");
            return 0;
        }
        Files.writeString(policyFile, Manifests.toYaml(ModelPolicies.defenseInDepth(name, "local", result, seccomp,
                bpf, generated, observe)));
        int syscalls = result.seccomp() == null ? 0 : result.seccomp().syscalls().size();
        System.err.printf("varmor: modelled %s in %.1f s: %d events, %d distinct syscalls%s; command exited %d%n",
                String.join(" ", command).replace('\n', ' '), (System.nanoTime() - started) / 1e9, recorder.eventCount(),
                syscalls, lossless == null ? "" : " (" + onlyLossless + " seen only by the lossless recorder)", code);
        coverage(result).forEach(l -> System.err.println("varmor: " + l));
        System.err.println("varmor: wrote " + modelFile + " and " + policyFile);
        return 0;
    }

    /** What the model holds, per enforcer and kind (the coverage report). */
    static List<String> coverage(DynamicResult r) {
        List<String> out = new ArrayList<>();
        if (r.bpf() != null) {
            var b = r.bpf();
            out.add(String.format("BPF model: %d executions, %d files, %d capabilities, %d socket kinds, %d ptrace, %d mounts",
                    size(b.executions()), size(b.files()), size(b.capabilities()),
                    b.network() == null ? 0 : size(b.network().sockets()), size(b.ptraces()), size(b.mounts())));
        }
        if (r.appArmor() != null) {
            var a = r.appArmor();
            out.add(String.format("AppArmor model: %d executions, %d files, %d capabilities, %d socket kinds, %d peers",
                    size(a.executions()), size(a.files()), size(a.capabilities()),
                    a.networks() == null ? 0 : size(a.networks().sockets()), size(a.ptraces())));
        }
        return out;
    }

    private static int size(List<?> l) {
        return l == null ? 0 : l.size();
    }

    /** The first lossless syscall recorder that starts on this node, or null (saying why). */
    private static SyscallRecorderProvider.Recorder losslessRecorder() {
        for (SyscallRecorderProvider p : java.util.ServiceLoader.load(SyscallRecorderProvider.class)) {
            try {
                SyscallRecorderProvider.Recorder r = p.start();
                System.err.println("varmor: lossless syscall recording with " + p.id());
                return r;
            } catch (EnforcementException | RuntimeException e) {
                System.err.println("varmor: " + p.id() + " cannot record here (" + e.getMessage()
                        + "); syscalls come from Seccomp's log only");
            }
        }
        return null;
    }
}
