package io.varmor.bpf.lab;

import io.varmor.api.event.ViolationEvent;
import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EnforcerProfile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for code that runs inside the kernel-lab guest: target mount namespaces ("holders"), commands inside and
 * outside them, policies compiled for the BPF enforcer, and {@code key=value} output for the host-side assertions.
 */
final class Guest {
    private Guest() {}

    /** A process holding a private mount namespace, prepared by a setup script before anything binds it. */
    record Holder(String name, Process process, long mntns) {
        long pid() {
            return process.pid();
        }
    }

    /** Result of one command. */
    record Run(int rc, String out) {
        String firstLine() {
            String s = out.strip();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    static final String POLICY_HEAD = """
            apiVersion: crd.varmor.org/v1beta1
            kind: VarmorPolicy
            metadata: {name: %s, namespace: lab}
            spec:
              target: {kind: Pod, name: x}
              policy:
                enforcer: BPF
            """;

    /** Compiles {@code body} (the part under {@code spec.policy}, after {@code enforcer}) for the BPF enforcer. */
    static EnforcerProfile compile(BpfEnforcer e, String name, String body) throws Exception {
        var c = new PolicyCompiler(new Plugins(List.of(e), List.of(new BuiltinRules())), CompileOptions.DEFAULT)
                .compileText(POLICY_HEAD.formatted(name) + body.indent(4)).get(0);
        return c.artifacts().get("BPF");
    }

    static Holder holder(String name, String setup) throws Exception {
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                setup + "\necho READY\nexec sleep 3600").redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null && !line.equals("READY")) {
            log.append(line).append('\n');
        }
        if (line == null) {
            throw new IllegalStateException("holder " + name + " setup failed:\n" + log);
        }
        return new Holder(name, p, BpfRuntime.mntns(Path.of("/proc", String.valueOf(p.pid()), "ns", "mnt")));
    }

    static Run run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Run(-1, "timeout");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Run inside(Holder h, String... argv) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(h.pid()), "-m", "--"));
        cmd.addAll(List.of(argv));
        return run(cmd);
    }

    static Run sh(String script) throws Exception {
        return run(List.of("sh", "-c", script));
    }

    static void print(String key, Object value) {
        System.out.println(key + "=" + String.valueOf(value).replace("\n", "\\n"));
    }

    static void report(String key, Run r) {
        print(key + ".rc", r.rc());
        print(key + ".out", r.firstLine());
    }

    /** Collects events of one target. */
    static final class Events {
        final List<ViolationEvent> list = new CopyOnWriteArrayList<>();

        void print(String ns) {
            Guest.print("events." + ns, list.size());
            for (int i = 0; i < Math.min(list.size(), 100); i++) {
                Guest.print("event." + ns + "." + i, io.varmor.api.io.Manifests.toJson(list.get(i)));
            }
        }
    }

    static Map<String, String> attrs(String policy) {
        return Map.of("policyKind", "VarmorPolicy", "policyName", policy, "policyNamespace", "lab");
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
