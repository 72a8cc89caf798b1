package io.varmor.seccomp.nativeaccess;

import io.varmor.core.ir.Syscalls;
import io.varmor.seccomp.SeccompProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Turns an OCI seccomp profile into a classic-BPF program with libseccomp and writes it to a file, for
 * {@code varmor-exec} to install on the target just before it executes. Nothing is installed in this JVM.
 */
public final class SeccompFilterBuilder {
    private static final Map<String, Integer> ARCHES = Map.of(
            "SCMP_ARCH_X86_64", 0xc000003e, "SCMP_ARCH_X86", 0x40000003, "SCMP_ARCH_X32", 0x4000003e);
    private static final Map<String, Integer> OPS = Map.of("SCMP_CMP_NE", 1, "SCMP_CMP_LT", 2, "SCMP_CMP_LE", 3,
            "SCMP_CMP_EQ", 4, "SCMP_CMP_GE", 5, "SCMP_CMP_GT", 6, "SCMP_CMP_MASKED_EQ", 7);
    private static final int SCMP_FLTATR_ACT_BADARCH = 2;
    private static final int O_WRONLY = 01;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;
    private static final int O_CLOEXEC = 02000000;

    private static volatile Native loaded;

    private record Native(LibSeccomp seccomp, LibC libc, Runtime runtime) {}

    private SeccompFilterBuilder() {}

    /** Loads libseccomp, or explains why it cannot be loaded. */
    public static synchronized String probe() {
        try {
            lib();
            return "";
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "libseccomp.so.2 cannot be loaded: " + e.getMessage();
        }
    }

    private static Native lib() {
        Native n = loaded;
        if (n == null) {
            LibSeccomp s = LibraryLoader.create(LibSeccomp.class).load("seccomp");
            LibC c = LibraryLoader.create(LibC.class).load("c");
            n = new Native(s, c, Runtime.getRuntime(s));
            loaded = n;
        }
        return n;
    }

    /** libseccomp's action encoding. */
    static int action(String action, Long errnoRet) {
        int errno = errnoRet == null ? 1 : (int) (long) errnoRet;
        return switch (action) {
            case "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD" -> 0x00000000;
            case "SCMP_ACT_KILL_PROCESS" -> 0x80000000;
            case "SCMP_ACT_TRAP" -> 0x00030000;
            case "SCMP_ACT_ERRNO" -> 0x00050000 | (errno & 0xffff);
            case "SCMP_ACT_TRACE" -> 0x7ff00000 | (errno & 0xffff);
            case "SCMP_ACT_LOG" -> 0x7ffc0000;
            case "SCMP_ACT_ALLOW" -> 0x7fff0000;
            default -> throw new IllegalArgumentException("unsupported seccomp action " + action);
        };
    }

    /** Builds the filter for {@code profile} and writes the BPF program to {@code out}. */
    public static void export(SeccompProfile profile, Path out) {
        Native n = lib();
        Pointer ctx = n.seccomp().seccomp_init(action(profile.defaultAction(), profile.defaultErrnoRet()));
        if (ctx == null) {
            throw new IllegalStateException("seccomp_init failed");
        }
        try {
            check(n.seccomp().seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, action("SCMP_ACT_KILL_PROCESS", null)), "seccomp_attr_set");
            boolean multiArch = false;
            List<String> arches = profile.architectures() == null ? List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")
                    : profile.architectures();
            for (String arch : arches) {
                Integer token = ARCHES.get(arch);
                if (token == null) {
                    continue; // another machine's architecture: nothing to filter here
                }
                int rc = n.seccomp().seccomp_arch_add(ctx, token);
                if (rc != 0 && rc != -17) { // -EEXIST: the native architecture is already present
                    check(rc, "seccomp_arch_add " + arch);
                }
                multiArch |= rc == 0;
            }
            if (profile.syscalls() != null) {
                for (SeccompProfile.Syscall s : profile.syscalls()) {
                    int act = action(s.action(), s.errnoRet());
                    if (act == action(profile.defaultAction(), profile.defaultErrnoRet())) {
                        continue; // libseccomp refuses rules equal to the default action
                    }
                    for (String name : s.names()) {
                        int nr = n.seccomp().seccomp_syscall_resolve_name(name);
                        if (nr < 0) {
                            nr = Syscalls.X86_64.number(name).orElse(-1);
                            if (nr < 0) {
                                throw new IllegalArgumentException("unknown syscall " + name);
                            }
                            if (multiArch) {
                                if (act == action("SCMP_ACT_ALLOW", null)) {
                                    continue; // an allow-list entry we cannot express stays at the (stricter) default
                                }
                                // libseccomp translates numbers between architectures by name and adds nothing
                                // (-EFAULT) for a name it lacks; runc would skip the name and leave a hole
                                throw new IllegalArgumentException("libseccomp " + version(n) + " cannot name syscall " + name
                                        + " (newer than its syscall table), so it cannot be filtered on every architecture"
                                        + " of the profile " + arches + "; upgrade libseccomp or drop the rule");
                            }
                        }
                        for (List<SeccompProfile.Arg> group : argGroups(s.args())) {
                            addRule(n, ctx, act, nr, name, group);
                        }
                    }
                }
            }
            int fd = n.libc().open(out.toString(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0) {
                throw new IllegalStateException("cannot create " + out);
            }
            try {
                check(n.seccomp().seccomp_export_bpf(ctx, fd), "seccomp_export_bpf");
            } finally {
                n.libc().close(fd);
            }
        } finally {
            n.seccomp().seccomp_release(ctx);
        }
    }

    /**
     * Splits a rule's conditions the way runc does, so a profile means the same under varmor-exec as in a container:
     * conditions on distinct argument indexes are AND'ed in one rule; as soon as any index appears more than once,
     * every condition becomes a rule of its own (all OR'ed, including those on other indexes).
     */
    static List<List<SeccompProfile.Arg>> argGroups(List<SeccompProfile.Arg> args) {
        if (args == null || args.isEmpty()) {
            return List.of(List.of());
        }
        boolean repeatedIndex = args.stream().map(SeccompProfile.Arg::index).distinct().count() < args.size();
        if (!repeatedIndex) {
            return List.of(args);
        }
        List<List<SeccompProfile.Arg>> out = new ArrayList<>();
        for (SeccompProfile.Arg a : args) {
            out.add(List.of(a));
        }
        return out;
    }

    private static void addRule(Native n, Pointer ctx, int act, int nr, String name, List<SeccompProfile.Arg> args) {
        Pointer array = null;
        if (!args.isEmpty()) {
            array = Memory.allocateDirect(n.runtime(), 24 * args.size());
            for (int i = 0; i < args.size(); i++) {
                SeccompProfile.Arg a = args.get(i);
                Integer op = OPS.get(a.op());
                if (op == null) {
                    throw new IllegalArgumentException("unsupported seccomp operator " + a.op());
                }
                array.putInt(24L * i, a.index());
                array.putInt(24L * i + 4, op);
                array.putLong(24L * i + 8, a.value());
                array.putLong(24L * i + 16, a.valueTwo());
            }
        }
        int rc = n.seccomp().seccomp_rule_add_array(ctx, act, nr, args.size(), array);
        check(rc, "seccomp_rule_add " + name);
    }

    private static String version(Native n) {
        Pointer v = n.seccomp().seccomp_version();
        return v == null ? "?" : v.getInt(0) + "." + v.getInt(4) + "." + v.getInt(8);
    }

    private static void check(int rc, String what) {
        if (rc < 0) {
            throw new IllegalStateException(what + " failed: errno " + (-rc));
        }
    }
}
