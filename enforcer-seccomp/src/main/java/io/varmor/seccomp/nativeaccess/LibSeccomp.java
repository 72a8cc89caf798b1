package io.varmor.seccomp.nativeaccess;

import jnr.ffi.Pointer;

/** The part of libseccomp (libseccomp.so.2) varmor uses, bound with jnr-ffi. Return codes are negative errno values. */
public interface LibSeccomp {
    Pointer seccomp_init(int defaultAction);

    void seccomp_release(Pointer ctx);

    int seccomp_arch_add(Pointer ctx, int arch);

    int seccomp_attr_set(Pointer ctx, int attr, int value);

    int seccomp_syscall_resolve_name(String name);

    int seccomp_rule_add_array(Pointer ctx, int action, int syscall, int argCount, Pointer args);

    int seccomp_export_bpf(Pointer ctx, int fd);

    /** Version of the loaded library. */
    Pointer seccomp_version();
}
