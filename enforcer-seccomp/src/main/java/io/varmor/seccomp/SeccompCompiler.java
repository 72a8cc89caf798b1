package io.varmor.seccomp;

import io.varmor.api.io.Manifests;
import io.varmor.api.policy.LinuxSeccompArg;
import io.varmor.api.policy.LinuxSyscall;
import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Mode;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.SyscallArg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** IR → OCI seccomp profile, for every mode (spec §3 Seccomp column, §7). Pure and deterministic. */
public final class SeccompCompiler {
    static final long EPERM = 1;
    static final long ENOSYS = 38;
    static final long CLONE_NEWUSER = 0x10000000L;
    /** Every x86 entry point, so 32-bit ({@code int 0x80}) and x32 syscalls meet the same rules. */
    static final List<String> ARCHES = List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    /** Allowed while modelling, as vArmor does, to keep the log readable. */
    static final List<String> MODELING_ALLOW = List.of("close", "open", "openat", "openat2", "read", "write");

    private SeccompCompiler() {}

    public static SeccompProfile compile(PolicyIR ir) {
        return switch (ir.mode()) {
            case ALWAYS_ALLOW, RUNTIME_DEFAULT -> new SeccompProfile("SCMP_ACT_ALLOW", null, null, null);
            case ENHANCE_PROTECT -> new SeccompProfile("SCMP_ACT_ALLOW", null, ARCHES, blocklist(ir));
            case BEHAVIOR_MODELING -> new SeccompProfile("SCMP_ACT_LOG", null, ARCHES,
                    List.of(new SeccompProfile.Syscall(MODELING_ALLOW, "SCMP_ACT_ALLOW", null, null)));
            case DEFENSE_IN_DEPTH -> defenseInDepth(ir);
        };
    }

    /** Syscall name → the rule that blocks it (built-in id or raw-rule path), for violation events. */
    public static Map<String, String> ruleOrigins(PolicyIR ir) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (ir.mode() == Mode.DEFENSE_IN_DEPTH) {
            out.put("*", "spec.policy.defenseInDepth.seccomp (not in the allow-list)");
        } else if (ir.mode() == Mode.BEHAVIOR_MODELING) {
            out.put("*", "behavior-modeling");
        }
        for (IrRule r : ir.rules()) {
            if (r instanceof IrRule.Syscall s) {
                s.names().forEach(n -> out.putIfAbsent(n, s.origin()));
            } else if (r instanceof IrRule.UserNamespaceCreate u) {
                for (String n : List.of("unshare", "clone", "clone3")) {
                    out.putIfAbsent(n, u.origin());
                }
            } else if (r instanceof IrRule.IoUring u) {
                for (String n : List.of("io_uring_setup", "io_uring_enter", "io_uring_register")) {
                    out.putIfAbsent(n, u.origin());
                }
            } else if (r instanceof IrRule.RawSeccomp raw) {
                raw.rule().names().forEach(n -> out.putIfAbsent(n, raw.origin()));
            }
        }
        return out;
    }

    public static String toJson(SeccompProfile p) {
        return Manifests.toPrettyJson(p);
    }

    /** Built-in rules are blocked with EPERM, or logged when violations are allowed and audited (vArmor: LOG needs both). */
    static String action(Disposition d) {
        return d == Disposition.AUDIT ? "SCMP_ACT_LOG" : "SCMP_ACT_ERRNO";
    }

    private static List<SeccompProfile.Syscall> blocklist(PolicyIR ir) {
        List<Entry> entries = new ArrayList<>();
        for (IrRule r : ir.rules()) {
            if (r instanceof IrRule.Syscall s) {
                List<SeccompProfile.Arg> args = s.args().stream().map(SeccompCompiler::arg).toList();
                for (String name : s.names()) {
                    add(entries, name, action(s.disposition()), errno(s.disposition()), args);
                }
            } else if (r instanceof IrRule.UserNamespaceCreate u) {
                String a = action(u.disposition());
                List<SeccompProfile.Arg> newUser = List.of(new SeccompProfile.Arg(0, CLONE_NEWUSER, CLONE_NEWUSER, "SCMP_CMP_MASKED_EQ"));
                add(entries, "unshare", a, errno(u.disposition()), newUser);
                add(entries, "clone", a, errno(u.disposition()), newUser);
                // clone3 passes flags behind a pointer that seccomp cannot read: answer ENOSYS so libc falls back to clone.
                entries.add(new Entry("clone3", a, a.equals("SCMP_ACT_ERRNO") ? ENOSYS : null, new ArrayList<>(), false));
            } else if (r instanceof IrRule.IoUring u) {
                for (String n : List.of("io_uring_setup", "io_uring_enter", "io_uring_register")) {
                    add(entries, n, action(u.disposition()), errno(u.disposition()), List.of());
                }
            }
        }
        for (IrRule r : ir.rules()) {
            if (r instanceof IrRule.RawSeccomp raw) {
                mergeRaw(entries, raw.rule());
            }
        }
        return entries.stream().map(Entry::toSyscall).toList();
    }

    private static Long errno(Disposition d) {
        return d == Disposition.AUDIT ? null : EPERM;
    }

    private static SeccompProfile.Arg arg(SyscallArg a) {
        return new SeccompProfile.Arg(a.index(), a.value(), a.valueTwo(), a.op());
    }

    /** One syscall name's rule while building; {@code orArgs} marks alternatives on one argument index. */
    private static final class Entry {
        final String name;
        final String action;
        final Long errnoRet;
        final List<SeccompProfile.Arg> args;
        boolean orArgs;

        Entry(String name, String action, Long errnoRet, List<SeccompProfile.Arg> args, boolean orArgs) {
            this.name = name;
            this.action = action;
            this.errnoRet = errnoRet;
            this.args = args;
            this.orArgs = orArgs;
        }

        SeccompProfile.Syscall toSyscall() {
            return new SeccompProfile.Syscall(List.of(name), action, errnoRet, args.isEmpty() ? null : List.copyOf(args));
        }

        boolean sameAction(String a, Long e) {
            return action.equals(a) && Objects.equals(errnoRet, e);
        }
    }

    /**
     * Adds a rule; rules for the same syscall and action whose conditions all test one argument index are merged into
     * one entry whose conditions are alternatives (the runtime ORs conditions on the same index).
     */
    private static void add(List<Entry> entries, String name, String action, Long errno, List<SeccompProfile.Arg> args) {
        boolean singleIndex = args.size() == 1;
        for (Entry e : entries) {
            if (e.name.equals(name) && e.sameAction(action, errno)) {
                if (e.args.isEmpty() && !e.orArgs) {
                    return; // already blocked unconditionally
                }
                if (singleIndex && e.orArgs && e.args.get(0).index() == args.get(0).index()) {
                    if (!e.args.contains(args.get(0))) {
                        e.args.add(args.get(0));
                    }
                    return;
                }
            }
        }
        entries.add(new Entry(name, action, errno, new ArrayList<>(args), singleIndex));
    }

    /** vArmor's raw-rule merge (spec §7). */
    static void mergeRaw(List<Entry> entries, LinuxSyscall raw) {
        List<SeccompProfile.Arg> rawArgs = raw.args() == null ? List.of() : raw.args().stream().map(SeccompCompiler::rawArg).toList();
        Long errno = raw.errnoRet();
        if (errno == null && "SCMP_ACT_ERRNO".equals(raw.action())) {
            errno = EPERM;
        }
        for (String name : raw.names()) {
            Entry builtin = null;
            for (Entry e : entries) {
                if (e.name.equals(name) && e.sameAction(raw.action(), errno)) {
                    builtin = e;
                    break;
                }
            }
            if (builtin == null) {
                entries.add(new Entry(name, raw.action(), errno, new ArrayList<>(rawArgs), false));
            } else if (rawArgs.isEmpty() && !builtin.args.isEmpty()) {
                entries.add(new Entry(name, raw.action(), errno, new ArrayList<>(), false));
            } else if (!rawArgs.isEmpty() && builtin.args.isEmpty()) {
                // already blocked unconditionally: the raw rule adds nothing
            } else {
                for (SeccompProfile.Arg a : rawArgs) {
                    if (!builtin.args.contains(a)) {
                        builtin.args.add(a);
                    }
                }
            }
        }
    }

    private static SeccompProfile.Arg rawArg(LinuxSeccompArg a) {
        return new SeccompProfile.Arg(a.index(), a.value() == null ? 0 : a.value(), a.valueTwo() == null ? 0 : a.valueTwo(), a.op());
    }

    private static SeccompProfile defenseInDepth(PolicyIR ir) {
        PolicyIR.Defense d = ir.defense();
        String defaultAction = d != null && d.allowViolations() ? "SCMP_ACT_LOG" : "SCMP_ACT_ERRNO";
        List<SeccompProfile.Syscall> syscalls = new ArrayList<>();
        List<String> arches = ARCHES;
        if (d != null && "BehaviorModel".equals(d.seccompProfileType())) {
            throw new IllegalArgumentException("DefenseInDepth with profileType BehaviorModel takes the allow-list"
                    + " of a completed ArmorProfileModel, which the operator fills in (cluster mode with"
                    + " --enableBehaviorModeling); locally, use the policy `varmor model` writes (profileType Custom)");
        }
        if (d != null && "Custom".equals(d.seccompProfileType()) && d.seccompCustomProfile() != null) {
            SeccompProfile custom = parseCustom(d.seccompCustomProfile());
            if (custom.syscalls() != null) {
                syscalls.addAll(custom.syscalls());
            }
            if (custom.architectures() != null) {
                arches = custom.architectures();
            }
        } else {
            syscalls.add(new SeccompProfile.Syscall(MODELING_ALLOW, "SCMP_ACT_ALLOW", null, null));
        }
        if (d != null) {
            for (LinuxSyscall raw : d.syscallRawRules()) {
                Long errno = raw.errnoRet();
                List<SeccompProfile.Arg> args = raw.args() == null ? null : raw.args().stream().map(SeccompCompiler::rawArg).toList();
                syscalls.add(new SeccompProfile.Syscall(raw.names(), raw.action(), errno, args));
            }
        }
        return new SeccompProfile(defaultAction, "SCMP_ACT_ERRNO".equals(defaultAction) ? EPERM : null, arches, syscalls);
    }

    /** Parses a user's custom seccomp JSON; throws IllegalArgumentException with the parser's message. */
    public static SeccompProfile parseCustom(String json) {
        try {
            Map<?, ?> raw = Manifests.json().readValue(json, LinkedHashMap.class);
            if (!raw.containsKey("defaultAction")) {
                throw new IllegalArgumentException("custom seccomp profile has no defaultAction");
            }
            return Manifests.json().convertValue(raw, SeccompProfile.class);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("custom seccomp profile is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** True when the mode's Seccomp output is a Kubernetes RuntimeDefault reference rather than a Localhost profile. */
    public static boolean usesRuntimeDefault(PolicyIR ir) {
        return ir.mode() == Mode.RUNTIME_DEFAULT;
    }
}
