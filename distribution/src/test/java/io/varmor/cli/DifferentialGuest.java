package io.varmor.cli;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.catalog.Coverage;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.TargetBinding;
import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs inside the kernel lab guest for {@link DifferentialInLabTest}: for every built-in rule that both AppArmor and
 * BPF enforce, compiles one policy (enforcer AppArmorBPF, so both artefacts come from the same IR), applies each
 * artefact in turn to a fresh mount namespace and runs the same action list there with {@code vprobe batch}.
 * Prints {@code D <rule> <enforcer> <action> <code>} (code 0 = allowed, else the errno) and, first, the unconfined
 * baseline as rule {@code -}. Arguments: the vprobe binary, then optionally rule ids to restrict the run to.
 */
public final class DifferentialGuest {
    private DifferentialGuest() {}

    static final String TOKEN = "/run/secrets/kubernetes.io/serviceaccount/token";
    static final String D = "/tmp/diff";

    /** Prepared once, in the guest JVM's own mount namespace (which has a writable /etc overlay). */
    static final String SETUP = """
            set -e
            mkdir -p /run/secrets/kubernetes.io/serviceaccount && echo token > %1$s
            rm -rf %2$s && mkdir -p %2$s/home/.ssh %2$s/skills %2$s/cg %2$s/bin %2$s/sym %2$s/run %2$s/m %2$s/um
            echo key > %2$s/home/.ssh/id && echo s > %2$s/skills/x
            touch %2$s/cg/release_agent %2$s/cg/devices.allow %2$s/run/containerd.sock %2$s/bin/runc
            for b in busybox wget curl chmod su sudo; do cp /bin/true %2$s/bin/$b; done
            ln -s /bin/true %2$s/sym/wget
            sysctl -qw kernel.dmesg_restrict=1 net.ipv4.ping_group_range="0 2147483647"
            echo h > /run/diff-handle
            ip link set lo up
            """;

    /** The action list: name → vprobe arguments. {@code $FOREIGN} is a process of uid 1. */
    static Map<String, List<String>> actions() {
        Map<String, List<String>> a = new LinkedHashMap<>();
        // files
        a.put("read-sa-token", List.of("open", TOKEN, "r"));
        a.put("read-passwd", List.of("open", "/etc/passwd", "r"));
        a.put("write-passwd", List.of("open", "/etc/passwd", "w"));
        a.put("read-shadow", List.of("open", "/etc/shadow", "r"));
        a.put("read-hosts", List.of("open", "/etc/hosts", "r"));
        a.put("create-under-etc", List.of("open", "/etc/varmor-diff", "c"));
        a.put("write-etc-hostname", List.of("open", "/etc/hostname", "w"));
        a.put("read-ssh-key", List.of("open", D + "/home/.ssh/id", "r"));
        a.put("write-skills", List.of("open", D + "/skills/x", "w"));
        a.put("read-skills", List.of("open", D + "/skills/x", "r"));
        a.put("write-core-pattern", List.of("open", "/proc/sys/kernel/core_pattern", "w"));
        a.put("read-core-pattern", List.of("open", "/proc/sys/kernel/core_pattern", "r"));
        a.put("write-release-agent", List.of("open", D + "/cg/release_agent", "w"));
        a.put("write-cgroup-release-agent", List.of("open", "/sys/fs/cgroup/x/release_agent", "w"));
        a.put("write-devices-allow", List.of("open", D + "/cg/devices.allow", "w"));
        a.put("read-kallsyms", List.of("open", "/proc/kallsyms", "r"));
        a.put("read-partitions", List.of("open", "/proc/partitions", "r"));
        a.put("read-mountinfo", List.of("open", "/proc/self/mountinfo", "r"));
        a.put("read-mounts", List.of("open", "/proc/self/mounts", "r"));
        a.put("read-arp", List.of("open", "/proc/net/arp", "r"));
        a.put("write-runc", List.of("open", D + "/bin/runc", "w"));
        a.put("open-containerd-sock", List.of("open", D + "/run/containerd.sock", "r"));
        a.put("create-in-tmp", List.of("open", D + "/new", "c"));
        a.put("read-own-environ", List.of("open", "/proc/self/environ", "r"));
        a.put("read-init-environ", List.of("open", "/proc/1/environ", "r"));
        // exec
        a.put("exec-true", List.of("exec", "/bin/true"));
        a.put("exec-sh", List.of("exec", "/bin/sh", "-c", "true"));
        a.put("exec-bash", List.of("exec", "/bin/bash", "-c", "true"));
        a.put("exec-dash", List.of("exec", "/bin/dash", "-c", "true"));
        for (String b : List.of("busybox", "wget", "curl", "chmod", "su", "sudo")) {
            a.put("exec-" + b, List.of("exec", D + "/bin/" + b));
        }
        a.put("exec-symlink-named-wget", List.of("exec", D + "/sym/wget"));
        a.put("read-wget-binary", List.of("open", D + "/bin/wget", "r"));
        // sockets
        a.put("socket-inet-stream", List.of("socket", "2", "1", "0"));
        a.put("socket-inet-tcp", List.of("socket", "2", "1", "6"));
        a.put("socket-inet-dgram", List.of("socket", "2", "2", "0"));
        a.put("socket-inet-udp", List.of("socket", "2", "2", "17"));
        a.put("socket-inet-icmp-dgram", List.of("socket", "2", "2", "1"));
        a.put("socket-inet-raw-icmp", List.of("socket", "2", "3", "1"));
        a.put("socket-inet6-stream", List.of("socket", "10", "1", "0"));
        a.put("socket-inet6-dgram", List.of("socket", "10", "2", "0"));
        a.put("socket-inet6-icmpv6-dgram", List.of("socket", "10", "2", "58"));
        a.put("socket-unix-stream", List.of("socket", "1", "1", "0"));
        a.put("socket-netlink", List.of("socket", "16", "3", "0"));
        a.put("socket-alg", List.of("socket", "38", "5", "0"));
        a.put("socket-packet", List.of("socket", "17", "3", "0"));
        a.put("connect-loopback", List.of("connect", "127.0.0.1", "9"));
        // mounts
        a.put("mount-tmpfs", List.of("mount", "none", D + "/m", "tmpfs"));
        a.put("mount-proc", List.of("mount", "proc", D + "/m", "proc"));
        a.put("mount-securityfs", List.of("mount", "none", D + "/m", "securityfs"));
        a.put("mount-cgroup2", List.of("mount", "none", D + "/m", "cgroup2"));
        a.put("bind-proc", List.of("mount", "/proc/sys", D + "/m", "none", "bind"));
        a.put("bind-sys", List.of("mount", "/sys/kernel", D + "/m", "none", "bind"));
        a.put("bind-tmp", List.of("mount", D + "/home", D + "/m", "none", "bind"));
        a.put("fsmount-tmpfs", List.of("fsmount", "tmpfs", D + "/m"));
        a.put("umount-proc", List.of("umount", "/proc/sys"));
        a.put("umount-sys", List.of("umount", "/sys/kernel"));
        a.put("umount-tmp", List.of("umount", D + "/um"));
        // capabilities (each an operation the kernel checks that capability on)
        for (String c : List.of("chown", "dac_override", "dac_read", "fowner", "kill", "setuid", "setgid", "setpcap",
                "net_bind_service", "net_admin", "net_raw", "ipc_lock", "sys_module", "sys_rawio", "sys_chroot",
                "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice", "sys_resource", "mknod", "lease",
                "syslog", "wake_alarm", "bpf", "sys_time", "sys_tty_config")) {
            a.put("cap-" + c, c.equals("kill") || c.equals("sys_ptrace") ? List.of("cap", c, "$FOREIGN") : List.of("cap", c));
        }
        a.put("cap-dac_read_search", List.of("cap", "dac_read_search", "/run/diff-handle"));
        a.put("userns", List.of("userns"));
        return a;
    }

    public static void main(String[] args) throws Exception {
        String vprobe = args[0];
        run(List.of("sh", "-c", SETUP.formatted(TOKEN, D)), true);
        Process foreign = new ProcessBuilder("setpriv", "--reuid=1", "--regid=1", "--clear-groups", "sleep", "3600")
                .start();
        Map<String, List<String>> actions = actions();
        List<String> batch = new ArrayList<>(List.of(vprobe, "batch"));
        for (List<String> op : actions.values()) {
            if (batch.size() > 2) {
                batch.add(";;");
            }
            op.forEach(x -> batch.add(x.equals("$FOREIGN") ? String.valueOf(foreign.pid()) : x));
        }
        List<String> names = new ArrayList<>(actions.keySet());

        Plugins plugins = Plugins.discover();
        Enforcer aa = plugins.enforcer("AppArmor").orElseThrow();
        BpfEnforcer bpf = (BpfEnforcer) plugins.enforcer("BPF").orElseThrow();
        PolicyCompiler compiler = new PolicyCompiler(new Plugins(List.of(aa, bpf), List.of(new BuiltinRules())),
                CompileOptions.DEFAULT);
        List<Coverage.Row> rows = Coverage.table(plugins.catalog(), List.of(aa, bpf)).stream()
                .filter(r -> r.byEnforcer().values().stream().allMatch(Coverage.Verdict::covered))
                .filter(r -> args.length < 2 || List.of(args).subList(1, args.length).contains(r.rule().id()))
                .toList();

        report("-", "none", names, inHolder(vprobe, batch));
        long t0 = System.nanoTime();
        Map<String, Long> applyNanos = new java.util.TreeMap<>();
        Map<String, Long> batchNanos = new java.util.TreeMap<>();
        int n = 0;
        for (Coverage.Row row : rows) {
            String id = row.rule().id();
            String name = "diff-" + (n++);
            CompiledPolicy c = compiler.compileText(policy(name, id, row.rule().category())).get(0);
            for (Enforcer e : List.of(aa, bpf)) {
                var profile = c.artifacts().get(e.id());
                String profileName = profile.fileName().replaceFirst("\\.(apparmor|bpf\\.json)$", "");
                Holder h = holder(vprobe);
                TargetBinding tb = new TargetBinding(profileName, h.mntns, 0, h.process.pid(), System.currentTimeMillis(),
                        Map.of("policyName", name, "policyNamespace", "lab", "policyKind", "VarmorPolicy"));
                List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(h.process.pid()), "-m", "--"));
                if (e == aa) {
                    cmd.addAll(List.of("aa-exec", "-p", profileName, "--"));
                }
                cmd.addAll(batch);
                String out;
                long a0 = System.nanoTime();
                try (Enforcer.Applied applied = e.apply(profile, tb)) {
                    long a1 = System.nanoTime();
                    out = run(cmd, false);
                    applyNanos.merge(e.id(), a1 - a0, Long::sum);
                    batchNanos.merge(e.id(), System.nanoTime() - a1, Long::sum);
                } finally {
                    h.process.destroyForcibly();
                }
                report(id, e.id(), names, out);
            }
        }
        System.out.println("T rules=" + rows.size() + " actions=" + names.size() + " ms="
                + (System.nanoTime() - t0) / 1_000_000 + " apply_ms=" + millis(applyNanos) + " actions_ms=" + millis(batchNanos));
        bpf.uninstall();
        foreign.destroyForcibly();
    }

    private static Map<String, Long> millis(Map<String, Long> nanos) {
        Map<String, Long> m = new java.util.TreeMap<>();
        nanos.forEach((k, v) -> m.put(k, v / 1_000_000));
        return m;
    }

    static String policy(String name, String rule, String category) {
        String list = switch (category) {
            case "hardening" -> "hardeningRules: [" + rule + "]";
            case "vulnerability-mitigation" -> "vulMitigationRules: [" + rule + "]";
            default -> "attackProtectionRules: [{rules: [" + rule + "]}]";
        };
        return """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata: {name: %s, namespace: lab}
                spec:
                  target: {kind: Pod, name: x}
                  policy:
                    enforcer: AppArmorBPF
                    mode: EnhanceProtect
                    enhanceProtect:
                      privileged: true
                      %s
                """.formatted(name, list);
    }

    private static void report(String rule, String enforcer, List<String> names, String out) {
        int seen = 0;
        for (String line : out.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 3 && f[0].equals("R")) {
                System.out.println("D " + rule + " " + enforcer + " " + names.get(Integer.parseInt(f[1])) + " " + f[2]);
                seen++;
            }
        }
        if (seen != names.size()) {
            System.out.println("X " + rule + " " + enforcer + " ran " + seen + " of " + names.size() + " actions: "
                    + out.replace('\n', '|'));
        }
    }

    record Holder(Process process, long mntns) {}

    private static Holder holder(String vprobe) throws Exception {
        // vprobe hold: bind mounts for the umount actions, a tmpfs for the cgroup ones, then READY
        Process p = new ProcessBuilder("unshare", "-m", vprobe, "hold", D).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder log = new StringBuilder();
        String line;
        while ((line = r.readLine()) != null && !line.equals("READY")) {
            log.append(line).append('\n');
        }
        if (line == null) {
            throw new IllegalStateException("holder setup failed:\n" + log);
        }
        return new Holder(p, BpfRuntime.mntns(Path.of("/proc", String.valueOf(p.pid()), "ns", "mnt")));
    }

    private static String inHolder(String vprobe, List<String> batch) throws Exception {
        Holder h = holder(vprobe);
        try {
            List<String> cmd = new ArrayList<>(List.of("nsenter", "-t", String.valueOf(h.process.pid()), "-m", "--"));
            cmd.addAll(batch);
            return run(cmd, false);
        } finally {
            h.process.destroyForcibly();
        }
    }

    private static String run(List<String> cmd, boolean check) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timeout: " + cmd);
        }
        String s = new String(out, StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed (" + p.exitValue() + "):\n" + s);
        }
        return s;
    }
}
