package io.varmor.bench;

import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse + validate + compile of a 50-rule EnhanceProtect policy for every installed enforcer, on one thread
 * (goal: at least 5,000 policies per second on one core).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class CompileBenchmark {
    PolicyCompiler compiler;
    String policy;

    /** A 50-rule EnhanceProtect policy: 41 single-capability rules and 9 attack-protection rules. */
    public static String fiftyRulePolicy(String enforcer) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata:
                  name: bench
                  namespace: default
                spec:
                  target: {kind: Deployment, name: bench}
                  policy:
                    enforcer: %s
                    mode: EnhanceProtect
                    enhanceProtect:
                      auditViolations: true
                      hardeningRules:
                """.formatted(enforcer));
        for (String cap : io.varmor.core.ir.Linux.CAPABILITIES) {
            sb.append("      - disable-cap-").append(cap.replace('_', '-')).append('\n');
        }
        sb.append("      attackProtectionRules:\n      - rules:\n");
        for (String r : List.of("disable-write-etc", "mitigate-sa-leak", "disable-shell", "disable-curl", "disable-wget",
                "disable-access-passwd", "disable-access-shadow", "disable-su-sudo", "disable-chmod")) {
            sb.append("        - ").append(r).append('\n');
        }
        return sb.toString();
    }

    @Setup
    public void setup() {
        Plugins plugins = Plugins.discover();
        String enforcers = String.join("", plugins.enforcers().stream().map(e -> e.id())
                .filter(id -> !id.equals("Seccomp")).sorted().toList());
        compiler = new PolicyCompiler(plugins, CompileOptions.DEFAULT);
        policy = fiftyRulePolicy(enforcers.isEmpty() ? "BPF" : enforcers);
    }

    @Benchmark
    public List<CompiledPolicy> parseValidateCompile() {
        return compiler.compileText(policy);
    }
}
