package io.varmor.core.ir;

/** The closed set of enforcer-neutral things a rule can talk about. Enforcers declare which they translate. */
public enum Primitive {
    FILE, EXEC, CAPABILITY, SOCKET, CONNECT, MOUNT, UMOUNT, PTRACE, SYSCALL, USERNS_CREATE, IO_URING,
    RAW_APPARMOR, RAW_SECCOMP, NETWORK_PROXY
}
