package io.varmor.seccomp;

import io.varmor.core.ir.Syscalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The RuntimeDefault profile for local mode, where no container runtime supplies one: an allow-list equivalent to
 * what container runtimes give an ordinary (non-privileged) container, written from the documented facts about their
 * default profiles: every known syscall is allowed except those documented as blocked — kernel modules, kexec,
 * keyrings, mounts and namespaces (CAP_SYS_ADMIN-gated), clock setting, swap, reboot, BPF, perf, userfaultfd,
 * io_uring, obsolete or 32-bit-only interfaces — with clone allowed only without namespace flags, clone3 answered
 * with ENOSYS (its flags cannot be inspected) and personality limited to the harmless personas. Syscalls unknown to
 * varmor's table (newer than it) are denied by the default action.
 */
public final class LocalRuntimeDefault {
    /** Documented as blocked by container runtimes' default profiles for containers without extra capabilities. */
    static final Set<String> BLOCKED = Set.of("acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
            "delete_module", "fanotify_init", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
            "get_mempolicy", "init_module", "io_uring_enter", "io_uring_register", "io_uring_setup", "ioperm", "iopl", "kcmp",
            "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mbind", "mount", "mount_setattr", "move_mount",
            "move_pages", "name_to_handle_at", "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root",
            "process_vm_readv", "process_vm_writev", "query_module", "quotactl", "quotactl_fd", "reboot", "request_key",
            "set_mempolicy", "setns", "settimeofday", "stime", "swapoff", "swapon", "syslog", "sysfs", "_sysctl", "umount",
            "umount2", "unshare", "uselib", "userfaultfd", "ustat", "vm86", "vm86old", "clone", "clone3", "personality",
            "lsm_set_self_attr", "afs_syscall", "tuxcall", "security", "vserver", "getpmsg", "putpmsg");
    /** CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWTIME. */
    static final long NAMESPACE_FLAGS = 0x7E020080L;
    /** PER_LINUX, PER_LINUX32, UNAME26 variants and the query value. */
    static final long[] PERSONAS = {0x0, 0x8, 0x20000, 0x20008, 0xffffffffL};

    private LocalRuntimeDefault() {}

    public static SeccompProfile profile() {
        Set<String> allowed = new TreeSet<>(Syscalls.X86_64.all().keySet());
        allowed.removeAll(BLOCKED);
        List<SeccompProfile.Syscall> rules = new ArrayList<>();
        rules.add(new SeccompProfile.Syscall(List.copyOf(allowed), "SCMP_ACT_ALLOW", null, null));
        rules.add(new SeccompProfile.Syscall(List.of("clone"), "SCMP_ACT_ALLOW", null,
                List.of(new SeccompProfile.Arg(0, NAMESPACE_FLAGS, 0, "SCMP_CMP_MASKED_EQ"))));
        rules.add(new SeccompProfile.Syscall(List.of("clone3"), "SCMP_ACT_ERRNO", SeccompCompiler.ENOSYS, null));
        List<SeccompProfile.Arg> personas = new ArrayList<>();
        for (long p : PERSONAS) {
            personas.add(new SeccompProfile.Arg(0, p, 0, "SCMP_CMP_EQ"));
        }
        rules.add(new SeccompProfile.Syscall(List.of("personality"), "SCMP_ACT_ALLOW", null, personas));
        return new SeccompProfile("SCMP_ACT_ERRNO", SeccompCompiler.EPERM, SeccompCompiler.ARCHES, rules);
    }
}
