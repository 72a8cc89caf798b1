package io.varmor.bench;

import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Policies per CPU-second for parse + validate + compile of the 50-rule policy, measured in the benchmark thread's
 * own CPU time, so the figure means "on one core" even on a machine busy with other work (where JMH's wall-clock
 * throughput would only measure the share of a core this thread got). Usage: {@code CpuTimeHarness [enforcers]}.
 */
public final class CpuTimeHarness {
    private CpuTimeHarness() {}

    public static void main(String[] args) {
        Plugins plugins = Plugins.discover();
        PolicyCompiler compiler = new PolicyCompiler(plugins, CompileOptions.DEFAULT);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%-22s %10s %14s %12s%n", "enforcers", "policies", "cpu-ms/policy", "policies/s");
        for (String enforcers : args.length > 0 ? args : new String[] {"BPF", "AppArmor", "AppArmorBPF", "AppArmorBPFSeccomp"}) {
            String policy = CompileBenchmark.fiftyRulePolicy(enforcers);
            for (int i = 0; i < 3000; i++) {
                compiler.compileText(policy);
            }
            int n = 5000;
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                compiler.compileText(policy);
            }
            double ms = (mx.getCurrentThreadCpuTime() - t0) / 1e6 / n;
            System.out.printf("%-22s %10d %14.3f %12.0f%n", enforcers, n, ms, 1000 / ms);
        }
    }
}
