package io.varmor.core.catalog;

import static io.varmor.core.catalog.Ir.A;
import static io.varmor.core.catalog.Ir.L;
import static io.varmor.core.catalog.Ir.R;
import static io.varmor.core.catalog.Ir.W;

import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import io.varmor.core.ir.PtracePerm;
import io.varmor.core.spi.RuleDefinition;
import io.varmor.core.spi.RuleDefinition.Context;
import io.varmor.core.spi.RuleProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * vArmor's built-in rules (spec §4) plus varmor's own, as data expanding into IR. Which enforcer covers a rule is not
 * written here: it follows from the IR and each enforcer's {@code cannotEnforce}. The only per-enforcer data is
 * {@code varmorCoverage}, vArmor's own coverage, kept to report where varmor goes beyond it.
 */
public final class BuiltinRules implements RuleProvider {
    static final String HARDENING = "hardening";
    static final String ATTACK = "attack-protection";
    static final String VULN = "vulnerability-mitigation";
    static final String PRIV = "privileged";
    static final String ALL = "all";
    private static final Set<String> AA = Set.of("AppArmor");
    private static final Set<String> BPF = Set.of("BPF");
    private static final Set<String> SC = Set.of("Seccomp");
    private static final Set<String> AA_BPF = Set.of("AppArmor", "BPF");
    private static final Set<String> NONE = Set.of();

    /** Device names from the node's /proc/partitions, substituted by the enforcer on the node. */
    public static final String DISK_DEVICES = "/dev/@{varmor_disk_devices}";

    /** The 27 capabilities outside containerd's default set (spec §4.2). */
    static final String[] PRIVILEGED_CAPS = {"dac_read_search", "linux_immutable", "net_broadcast", "net_admin",
        "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot",
        "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "lease", "audit_control", "mac_override", "mac_admin",
        "syslog", "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"};

    private final List<RuleDefinition> rules = new ArrayList<>();

    public BuiltinRules() {
        hardening();
        capabilities();
        exploitVectors();
        leakage();
        sensitiveOperations();
        others();
        vulnerabilities();
    }

    @Override
    public String name() {
        return "varmor-builtin";
    }

    @Override
    public List<RuleDefinition> rules() {
        return List.copyOf(rules);
    }

    private void add(String id, List<String> aliases, String category, String applies, Set<String> varmor,
                     String description, Function<Context, List<IrRule>> expansion) {
        rules.add(new RuleDefinition(id, aliases, category, applies, description, expansion, varmor));
    }

    private void add(String id, String category, String applies, Set<String> varmor, String description,
                     Function<Context, List<IrRule>> expansion) {
        add(id, List.of(), category, applies, varmor, description, expansion);
    }

    private void hardening() {
        add("disallow-write-core-pattern", HARDENING, PRIV, AA_BPF, "Forbid writing /proc/sys/kernel/core_pattern (container escape).",
                c -> List.of(Ir.file(c, "/proc/sys/kernel/core_pattern", W, A)));
        add("disallow-mount-securityfs", HARDENING, PRIV, AA_BPF, "Forbid mounting securityfs.",
                c -> c.privileged() ? List.of(Ir.newMount(c, "securityfs", "**")) : List.of());
        add("disallow-mount-procfs", HARDENING, PRIV, AA_BPF, "Forbid mounting procfs and re-mounting or unmounting anything under /proc.",
                c -> concat(c.privileged() ? List.of(Ir.newMount(c, "proc", "**")) : List.of(),
                        List.of(Ir.rebind(c, "/proc**"), Ir.umount(c, "/proc**"))));
        add("disallow-write-release-agent", HARDENING, PRIV, AA_BPF, "Forbid writing cgroup v1 release_agent files.",
                c -> List.of(Ir.file(c, "/sys/fs/cgroup/**/release_agent", W, A)));
        add("disallow-mount-cgroupfs", HARDENING, PRIV, AA_BPF, "Forbid mounting cgroupfs and re-mounting or unmounting anything under /sys.",
                c -> concat(c.privileged() ? List.of(Ir.newMount(c, "cgroup", "**")) : List.of(),
                        List.of(Ir.rebind(c, "/sys**"), Ir.umount(c, "/sys**"))));
        add("disallow-debug-disk-device", HARDENING, PRIV, AA_BPF, "Forbid reading and writing the node's disk devices (from /proc/partitions).",
                c -> List.of(Ir.file(c, DISK_DEVICES, R, W, A)));
        add("disallow-mount-disk-device", HARDENING, PRIV, AA_BPF, "Forbid mounting the node's disk devices.",
                c -> c.privileged() ? List.of(Ir.newMount(c, "*", DISK_DEVICES)) : List.of());
        add("disallow-mount", HARDENING, PRIV, AA_BPF, "Forbid every mount (non-privileged profiles already deny mounts).",
                c -> c.privileged() ? List.of(Ir.anyMount(c)) : List.of());
        add("disallow-umount", HARDENING, ALL, AA_BPF, "Forbid every umount.",
                c -> List.of(Ir.umount(c, "**")));
        add("disallow-insmod", HARDENING, PRIV, AA_BPF, "Forbid loading kernel modules (CAP_SYS_MODULE).",
                c -> List.of(Ir.caps(c, "sys_module")));
        add("disallow-load-bpf-prog", List.of("disallow-load-ebpf"), HARDENING, ALL, AA_BPF,
                "Forbid loading BPF programs through CAP_SYS_ADMIN or CAP_BPF.",
                c -> List.of(Ir.caps(c, "sys_admin", "bpf")));
        add("disallow-access-procfs-root", HARDENING, ALL, AA_BPF,
                "Forbid PTRACE_MODE_READ access (e.g. /proc/<pid>/root) to processes outside the target.",
                c -> List.of(Ir.ptrace(c, false, PtracePerm.READ)));
        add("disallow-access-kallsyms", HARDENING, ALL, AA_BPF, "Forbid reading /proc/kallsyms.",
                c -> List.of(Ir.file(c, "/proc/kallsyms", R)));
    }

    private void capabilities() {
        add("disable-cap-all", HARDENING, ALL, AA_BPF, "Forbid every capability.",
                c -> List.of(Ir.capsExcept(c)));
        add("disable-cap-all-except-net-bind-service", HARDENING, ALL, AA_BPF, "Forbid every capability but NET_BIND_SERVICE.",
                c -> List.of(Ir.capsExcept(c, "net_bind_service")));
        add("disable-cap-privileged", HARDENING, ALL, AA_BPF,
                "Forbid the 27 capabilities that containerd does not grant by default.",
                c -> List.of(Ir.caps(c, PRIVILEGED_CAPS)));
        for (String cap : Linux.CAPABILITIES) {
            String dashed = cap.replace('_', '-');
            add("disable-cap-" + dashed, HARDENING, ALL, AA_BPF, "Forbid CAP_" + cap.toUpperCase() + ".",
                    c -> List.of(Ir.caps(c, cap)));
        }
    }

    private void exploitVectors() {
        add("disallow-abuse-user-ns", HARDENING, ALL, AA_BPF,
                "Forbid CAP_SYS_ADMIN in any user namespace, so unprivileged user namespaces cannot be abused.",
                c -> List.of(Ir.caps(c, "sys_admin")));
        add("disallow-create-user-ns", HARDENING, ALL, SC,
                "Forbid creating user namespaces by any route (unshare, clone, clone3).",
                c -> List.of(new IrRule.UserNamespaceCreate(c.disposition(), c.origin(), c.targets())));
        add("disallow-load-all-bpf-prog", HARDENING, ALL, SC, "Forbid bpf(BPF_PROG_LOAD).",
                c -> List.of(Ir.syscall(c, List.of("bpf"), Ir.eq(0, 5))));
        add("disallow-load-bpf-via-setsockopt", HARDENING, ALL, SC,
                "Forbid attaching classic BPF filters with setsockopt (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF).",
                c -> List.of(Ir.syscall(c, List.of("setsockopt"), Ir.eq(1, 1), Ir.eq(2, 26)),
                        Ir.syscall(c, List.of("setsockopt"), Ir.eq(1, 1), Ir.eq(2, 51))));
        add("disallow-userfaultfd-creation", HARDENING, ALL, SC, "Forbid userfaultfd().",
                c -> List.of(Ir.syscall(c, List.of("userfaultfd"))));
        add("disallow-io-uring", HARDENING, ALL, NONE,
                "Forbid io_uring (io_uring_setup/enter/register), a frequent route around syscall and LSM filters (varmor).",
                c -> List.of(new IrRule.IoUring(c.disposition(), c.origin(), c.targets())));
    }

    private void leakage() {
        add("mitigate-sa-leak", ATTACK, ALL, AA_BPF, "Forbid reading the service-account token.",
                c -> List.of(Ir.file(c, "/run/secrets/kubernetes.io/serviceaccount/**", R),
                        Ir.file(c, "/var/run/secrets/kubernetes.io/serviceaccount/**", R)));
        add("mitigate-disk-device-number-leak", ATTACK, ALL, AA_BPF, "Forbid reading /proc/partitions and mountinfo.",
                c -> List.of(Ir.file(c, "/proc/partitions", R), Ir.file(c, "/proc/**/mountinfo", R)));
        add("mitigate-overlayfs-leak", ATTACK, ALL, AA_BPF, "Forbid reading mounts and mountinfo (overlayfs host paths).",
                c -> List.of(Ir.file(c, "/proc/**/mounts", R), Ir.file(c, "/proc/**/mountinfo", R)));
        add("mitigate-host-ip-leak", ATTACK, ALL, AA_BPF, "Forbid reading the ARP table.",
                c -> List.of(Ir.file(c, "/proc/**/net/arp", R)));
        add("block-access-to-metadata-service", List.of("disallow-metadata-service"), ATTACK, ALL, BPF,
                "Forbid connecting to cloud metadata services (AWS, Volcengine).",
                c -> List.of(Ir.connect(c, "169.254.169.254/32"), Ir.connect(c, "fd00:ec2::254/128"),
                        Ir.connect(c, "100.96.0.96/32")));
        add("block-access-to-aws-metadata-service", ATTACK, ALL, BPF, "Forbid connecting to the AWS metadata service.",
                c -> List.of(Ir.connect(c, "169.254.169.254/32"), Ir.connect(c, "fd00:ec2::254/128")));
        add("block-access-to-volc-metadata-service", ATTACK, ALL, BPF, "Forbid connecting to the Volcengine metadata service.",
                c -> List.of(Ir.connect(c, "100.96.0.96/32")));
        add("block-access-to-alibaba-metadata-service", ATTACK, ALL, BPF, "Forbid connecting to the Alibaba Cloud metadata service.",
                c -> List.of(Ir.connect(c, "100.100.100.200/32")));
        add("block-access-to-oci-metadata-service", ATTACK, ALL, BPF, "Forbid connecting to the Oracle Cloud metadata service.",
                c -> List.of(Ir.connect(c, "192.0.0.192/32")));
    }

    private void sensitiveOperations() {
        add("disable-write-etc", ATTACK, ALL, AA_BPF, "Forbid writing under /etc.",
                c -> List.of(Ir.file(c, "/etc/**", W, A, L)));
        add("disable-access-passwd", ATTACK, ALL, AA_BPF, "Forbid reading and writing /etc/passwd.",
                c -> List.of(Ir.file(c, "/etc/passwd", R, W, A)));
        add("disable-access-shadow", ATTACK, ALL, AA_BPF, "Forbid reading and writing /etc/shadow.",
                c -> List.of(Ir.file(c, "/etc/shadow", R, W, A)));
        add("disable-access-ssh-dir", ATTACK, ALL, AA_BPF, "Forbid reading and writing inside any .ssh directory.",
                c -> List.of(Ir.file(c, "/**/.ssh/**", R, W, A)));
        add("disable-write-skills", ATTACK, ALL, AA, "Forbid writing inside any skills directory (AI agent skills).",
                c -> List.of(Ir.file(c, "/**/skills/**", W, A)));
        add("disable-busybox", ATTACK, ALL, AA_BPF, "Forbid executing busybox.", c -> List.of(Ir.exec(c, "/**/busybox")));
        add("disable-shell", ATTACK, ALL, AA_BPF, "Forbid executing sh, bash and dash.",
                c -> List.of(Ir.exec(c, "/**/sh"), Ir.exec(c, "/**/bash"), Ir.exec(c, "/**/dash")));
        add("disable-wget", ATTACK, ALL, AA_BPF, "Forbid executing wget.", c -> List.of(Ir.exec(c, "/**/wget")));
        add("disable-curl", ATTACK, ALL, AA_BPF, "Forbid executing curl.", c -> List.of(Ir.exec(c, "/**/curl")));
        add("disable-chmod", ATTACK, ALL, AA_BPF, "Forbid executing chmod.", c -> List.of(Ir.exec(c, "/**/chmod")));
        add("disable-su-sudo", ATTACK, ALL, AA_BPF, "Forbid executing su and sudo.",
                c -> List.of(Ir.exec(c, "/**/su"), Ir.exec(c, "/**/sudo")));
        add("disable-chmod-x-bit", ATTACK, ALL, SC, "Forbid setting execute bits with chmod, fchmod, fchmodat, fchmodat2.",
                c -> chmodRules(c, 0100, 010, 01));
        add("disable-chmod-s-bit", ATTACK, ALL, SC, "Forbid setting setuid/setgid bits with chmod, fchmod, fchmodat, fchmodat2.",
                c -> chmodRules(c, 04000, 02000));
    }

    private static List<IrRule> chmodRules(Context c, long... bits) {
        List<IrRule> out = new ArrayList<>();
        for (long bit : bits) {
            out.add(Ir.syscall(c, List.of("chmod", "fchmod"), Ir.maskedEq(1, bit)));
            out.add(Ir.syscall(c, List.of("fchmodat", "fchmodat2"), Ir.maskedEq(2, bit)));
        }
        return out;
    }

    private void others() {
        add("disable-network", ATTACK, ALL, AA_BPF, "Forbid creating sockets of any family.", c -> List.of(Ir.allDomains(c)));
        add("disable-inet", List.of("disable-ipv4"), ATTACK, ALL, AA_BPF, "Forbid AF_INET sockets.",
                c -> List.of(Ir.domains(c, Linux.AF_INET)));
        add("disable-inet6", List.of("disable-ipv6"), ATTACK, ALL, AA_BPF, "Forbid AF_INET6 sockets.",
                c -> List.of(Ir.domains(c, Linux.AF_INET6)));
        add("disable-unix-domain-socket", ATTACK, ALL, AA_BPF, "Forbid AF_UNIX sockets.", c -> List.of(Ir.domains(c, 1)));
        add("disable-icmp", ATTACK, ALL, AA_BPF, "Forbid ICMP and ICMPv6 sockets.", c -> List.of(Ir.protocols(c, 1, 58)));
        add("disable-tcp", ATTACK, ALL, AA_BPF, "Forbid TCP sockets (including protocol 0 stream sockets).",
                c -> List.of(Ir.protocols(c, 6)));
        add("disable-udp", ATTACK, ALL, AA_BPF, "Forbid UDP sockets (including protocol 0 datagram sockets).",
                c -> List.of(Ir.protocols(c, 17)));
        add("block-access-to-kube-apiserver", ATTACK, ALL, BPF,
                "Forbid connecting to the Kubernetes API server (service default/kubernetes; cluster mode).",
                c -> List.of(Ir.connectService(c, "default/kubernetes")));
        add("block-access-to-container-runtime", ATTACK, ALL, AA_BPF, "Forbid using container runtime sockets.",
                c -> List.of(Ir.file(c, "/**/containerd.sock", R, W, A), Ir.file(c, "/**/docker.sock", R, W, A),
                        Ir.file(c, "/**/crio.sock", R, W, A)));
    }

    private void vulnerabilities() {
        add("cgroups-lxcfs-escape-mitigation", VULN, ALL, AA_BPF, "CVE-2022-0492 and lxcfs escapes: forbid writing cgroup control files.",
                c -> List.of(Ir.file(c, "/**/release_agent", W, A), Ir.file(c, "/**/devices.allow", W, A),
                        Ir.file(c, "/**/devices/cgroup.procs", W, A), Ir.file(c, "/**/devices/**/cgroup.procs", W, A),
                        Ir.file(c, "/**/devices/tasks", W, A), Ir.file(c, "/**/devices/**/tasks", W, A)));
        add("runc-override-mitigation", VULN, ALL, AA_BPF, "CVE-2019-5736: forbid writing runc binaries.",
                c -> List.of(Ir.file(c, "/**/runc", W, A)));
        add("dirty-pipe-mitigation", VULN, ALL, SC, "CVE-2022-0847: forbid splice().",
                c -> List.of(Ir.syscall(c, List.of("splice"))));
        add("ingress-nightmare-mitigation", VULN, ALL, BPF,
                "CVE-2025-1974: forbid connecting to the ingress-nginx admission service (cluster mode).",
                c -> List.of(Ir.connectService(c, "ingress-nginx/ingress-nginx-controller-admission"),
                        Ir.connectService(c, "kube-system/ingress-nginx-controller-admission")));
        add("copy-fail-mitigation", VULN, ALL, AA_BPF, "CVE-2026-31431: forbid AF_ALG sockets.",
                c -> List.of(Ir.domains(c, Linux.AF_ALG)));
    }

    @SafeVarargs
    private static List<IrRule> concat(List<IrRule>... lists) {
        List<IrRule> out = new ArrayList<>();
        for (List<IrRule> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
