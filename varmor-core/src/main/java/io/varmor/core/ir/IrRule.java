package io.varmor.core.ir;

import java.util.List;

/**
 * One enforcer-neutral rule. {@link #origin()} names what produced it (a built-in rule id such as
 * {@code disable-shell}, or a field path such as {@code spec.policy.enhanceProtect.bpfRawRules.files[0]}) so that a
 * violation event can say which rule decided. {@link #targets()} scopes a rule to executables (empty: the whole
 * target); only AppArmor can honour scoping.
 */
public sealed interface IrRule permits IrRule.File, IrRule.Exec, IrRule.Capability, IrRule.Socket, IrRule.Connect,
        IrRule.Mount, IrRule.Umount, IrRule.Ptrace, IrRule.Syscall, IrRule.UserNamespaceCreate, IrRule.IoUring,
        IrRule.RawAppArmor, IrRule.RawSeccomp {

    Primitive primitive();

    Disposition disposition();

    String origin();

    List<String> targets();

    /** File access by kernel-resolved path. */
    record File(PathPattern pattern, java.util.Set<FilePerm> perms, Disposition disposition, String origin,
                List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.FILE;
        }
    }

    /** Executing a file. */
    record Exec(PathPattern pattern, Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.EXEC;
        }
    }

    /** Using capabilities (bit numbers 0..40), in any user namespace. */
    record Capability(java.util.SortedSet<Integer> caps, Disposition disposition, String origin, List<String> targets)
            implements IrRule {
        public Primitive primitive() {
            return Primitive.CAPABILITY;
        }
    }

    /**
     * Creating a socket. Each non-empty set must match (AND); an empty set matches anything. Protocols use IANA numbers;
     * {@link Socket#protocolsImplied()} says that protocol 0 with a type implying the protocol (SOCK_STREAM → TCP,
     * SOCK_DGRAM → UDP on inet) must match too (vArmor's BPF misses {@code socket(AF_INET, SOCK_STREAM, 0)}).
     */
    record Socket(java.util.SortedSet<Integer> domains, java.util.SortedSet<Integer> types,
                  java.util.SortedSet<Integer> protocols, boolean protocolsImplied, Disposition disposition,
                  String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.SOCKET;
        }
    }

    /**
     * Connecting to an address and port ranges (empty: all ports). The address is a CIDR ({@code cidr}), the pod's own
     * address ({@code podSelf}), a Kubernetes service {@code namespace/name} resolved by the cluster agent
     * ({@code service}), or any address when all three are unset.
     */
    record Connect(String cidr, boolean podSelf, String service, List<PortRange> ports, Disposition disposition, String origin,
                   List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.CONNECT;
        }
    }

    /**
     * Mounting. {@code flags} match when any is present, {@code reverseFlags} when any is absent (vArmor semantics);
     * {@code fstype} "*" matches any; {@code newMountsOnly} is a mount that is neither bind, remount, move nor a
     * propagation change.
     */
    record Mount(PathPattern source, String fstype, long flags, long reverseFlags, boolean newMountsOnly,
                 Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.MOUNT;
        }
    }

    /** Unmounting a mount whose path matches. */
    record Umount(PathPattern path, Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.UMOUNT;
        }
    }

    /** ptrace-class access; {@code strict} false limits the rule to peers outside the target. */
    record Ptrace(java.util.Set<PtracePerm> perms, boolean strict, Disposition disposition, String origin,
                  List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.PTRACE;
        }
    }

    /** A syscall, optionally with argument conditions (all conditions must hold). */
    record Syscall(List<String> names, List<SyscallArg> args, Disposition disposition, String origin,
                   List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.SYSCALL;
        }
    }

    /** Creating a user namespace, by any route (unshare, clone, clone3). */
    record UserNamespaceCreate(Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.USERNS_CREATE;
        }
    }

    /** Setting up or using io_uring. */
    record IoUring(Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.IO_URING;
        }
    }

    /** Raw AppArmor rule text, inserted verbatim. */
    record RawAppArmor(String text, Disposition disposition, String origin, List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.RAW_APPARMOR;
        }
    }

    /** A raw OCI seccomp syscall rule with its own action. */
    record RawSeccomp(io.varmor.api.policy.LinuxSyscall rule, Disposition disposition, String origin,
                      List<String> targets) implements IrRule {
        public Primitive primitive() {
            return Primitive.RAW_SECCOMP;
        }
    }
}
