package io.varmor.seccomp.hostreal;

import io.varmor.core.ir.Syscalls;
import io.varmor.seccomp.SeccompProfile;
import io.varmor.seccomp.nativeaccess.LibSeccomp;
import io.varmor.seccomp.nativeaccess.SeccompFilterBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jnr.ffi.LibraryLoader;

/**
 * Benchmark harness (not a test): per-iteration cost of syscall-heavy loops run by the probe under varmor-exec with no
 * filter and with filters of growing size, measured in one run, interleaved round-robin, reported as medians and ratios
 * to "no filter". Run with {@code scripts/bench-seccomp.sh [rounds] [getppid-iterations] [openclose-iterations]}.
 *
 * <p>Linux ≥ 5.11 keeps a per-architecture bitmap of syscalls that a filter allows whatever their arguments and skips
 * the BPF program for them. A loop over a syscall the profile never mentions therefore costs about the same under
 * any allow-by-default profile; the "300 raw rules on args" profile names every syscall with an argument condition,
 * which forces the program to run on each call.
 */
public final class SeccompBench {
    /** Syscalls a static binary and the loops need; the 300 unconditional raw rules avoid them. */
    private static final Set<String> NEEDED = Set.of("read", "write", "open", "openat", "close", "fstat", "newfstatat", "statx",
            "mmap", "munmap", "mprotect", "brk", "execve", "execveat", "exit", "exit_group", "arch_prctl", "set_tid_address",
            "set_robust_list", "rseq", "prlimit64", "getrandom", "readlink", "readlinkat", "uname", "ioctl", "getppid", "getpid",
            "clock_gettime", "clock_nanosleep", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "futex", "lseek", "access",
            "faccessat", "faccessat2", "gettid", "tgkill", "madvise", "mremap", "getuid", "geteuid", "getgid", "getegid", "dup",
            "dup2", "dup3", "fcntl", "pread64", "prctl", "wait4", "clone", "clone3", "fork", "vfork", "sched_yield", "seccomp");
    /** Roughly what Docker/containerd's default profile refuses; everything else is allowed. */
    private static final Set<String> RUNTIME_DEFAULT_DENY = Set.of("acct", "add_key", "bpf", "clock_adjtime", "clock_settime",
            "create_module", "delete_module", "finit_module", "get_kernel_syms", "get_mempolicy", "init_module", "ioperm", "iopl",
            "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "move_pages", "nfsservctl",
            "open_by_handle_at", "perf_event_open", "personality", "pivot_root", "process_vm_readv", "process_vm_writev", "ptrace",
            "query_module", "quotactl", "reboot", "request_key", "set_mempolicy", "setns", "settimeofday", "swapon", "swapoff",
            "sysfs", "_sysctl", "umount2", "unshare", "uselib", "userfaultfd", "ustat", "fsmount", "fsopen", "fspick",
            "move_mount", "open_tree", "io_uring_setup", "io_uring_enter", "io_uring_register");
    private static final Pattern LOOP = Pattern.compile("LOOP (\\S+) (\\d+) ([0-9.]+)");

    private SeccompBench() {}

    /** Syscall names both varmor's table and the node's libseccomp know (raw rules naming others cannot be built). */
    private static List<String> nameable() {
        LibSeccomp lib = LibraryLoader.create(LibSeccomp.class).load("seccomp");
        return Syscalls.X86_64.all().keySet().stream().filter(n -> lib.seccomp_syscall_resolve_name(n) >= 0).toList();
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long getppidN = args.length > 1 ? Long.parseLong(args[1]) : 2_000_000;
        long opencloseN = args.length > 2 ? Long.parseLong(args[2]) : 300_000;
        Path probe = NativeBuild.probe();
        Path dir = VarmorExec.scratch();
        Map<String, Path> filters = new LinkedHashMap<>();
        filters.put("no filter", null);
        filters.put("EnhanceProtect, 1 rule (dirty-pipe)", export(dir, "one", Policies.enhanceProtect(List.of("dirty-pipe-mitigation"), List.of(), false, false).profile()));
        filters.put("EnhanceProtect, all 8 Seccomp rules", export(dir, "all", Policies.enhanceProtect(Policies.seccompRuleIds(), List.of(), false, false).profile()));
        filters.put("300 raw rules, unconditional", export(dir, "raw", rawRules(false).profile()));
        filters.put("300 raw rules on args (incl. loop syscalls)", export(dir, "rawargs", rawRules(true).profile()));
        filters.put("RuntimeDefault-like allow-list", export(dir, "rd", runtimeDefaultLike()));
        Map<String, double[][]> ns = new LinkedHashMap<>();
        filters.keySet().forEach(k -> ns.put(k, new double[2][rounds]));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Path> f : filters.entrySet()) {
                ns.get(f.getKey())[0][r] = loop(probe, f.getValue(), dir, "getppid", getppidN);
                ns.get(f.getKey())[1][r] = loop(probe, f.getValue(), dir, "openclose", opencloseN);
            }
        }
        double base0 = median(ns.get("no filter")[0]);
        double base1 = median(ns.get("no filter")[1]);
        System.out.printf("seccomp filter cost (varmor-exec, classic BPF from libseccomp; median of %d rounds; getppid x%d, open+close x%d)%n",
                rounds, getppidN, opencloseN);
        System.out.printf("| %-44s | %6s | %14s | %5s | %16s | %5s |%n", "profile", "insns", "getppid ns/it", "ratio", "open+close ns/it", "ratio");
        System.out.printf("|%s|%s|%s|%s|%s|%s|%n", "-".repeat(46), "-".repeat(8), "-".repeat(16), "-".repeat(7), "-".repeat(18), "-".repeat(7));
        for (Map.Entry<String, Path> f : filters.entrySet()) {
            double g = median(ns.get(f.getKey())[0]);
            double o = median(ns.get(f.getKey())[1]);
            String insns = f.getValue() == null ? "-" : Long.toString(Files.size(f.getValue()) / 8);
            System.out.printf("| %-44s | %6s | %14.1f | %5.2f | %16.1f | %5.2f |%n", f.getKey(), insns, g, g / base0, o, o / base1);
        }
    }

    private static Path export(Path dir, String name, SeccompProfile p) {
        Path out = dir.resolve(name + ".bpf");
        SeccompFilterBuilder.export(p, out);
        return out;
    }

    /** 300 EnhanceProtect raw rules through the policy compiler: unconditional on unused syscalls, or arg-conditioned on any. */
    static Policies.Compiled rawRules(boolean onArgs) {
        List<String> names = nameable().stream().filter(n -> onArgs || !NEEDED.contains(n)).limit(300).toList();
        if (onArgs) {
            List<String> hot = new ArrayList<>(List.of("getppid", "openat", "close"));
            names.stream().filter(n -> !hot.contains(n)).limit(300 - hot.size()).forEach(hot::add);
            names = hot;
        }
        String args = onArgs ? ", args: [{index: 0, value: 2147475117, op: SCMP_CMP_EQ}]" : "";
        List<String> yaml = names.stream().map(n -> "{names: [" + n + "], action: SCMP_ACT_ERRNO" + args + "}").toList();
        return Policies.enhanceProtect(List.of(), yaml, false, false);
    }

    static SeccompProfile runtimeDefaultLike() {
        List<String> allowed = nameable().stream().filter(n -> !RUNTIME_DEFAULT_DENY.contains(n)).toList();
        return new SeccompProfile("SCMP_ACT_ERRNO", 1L, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                List.of(new SeccompProfile.Syscall(allowed, "SCMP_ACT_ALLOW", null, null)));
    }

    private static double loop(Path probe, Path filter, Path dir, String what, long n) {
        Proc.Output out = Proc.run(VarmorExec.command(filter, List.of(probe.toString(), "loop", what, Long.toString(n))), dir,
                Duration.ofMinutes(5));
        Matcher m = LOOP.matcher(out.stdout());
        if (out.exitCode() != 0 || !m.find()) {
            throw new IllegalStateException("loop failed under " + filter + "\n" + out.all());
        }
        return Double.parseDouble(m.group(3));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
