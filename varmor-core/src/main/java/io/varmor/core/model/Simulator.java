package io.varmor.core.model;

import io.varmor.api.io.Manifests;
import io.varmor.api.model.BpfResult;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.model.FileAccess;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import io.varmor.core.spi.EnforcerProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replays recorded behaviour against a candidate policy and lists what it would deny, before anything is enforced.
 * Seccomp decisions are exact for rules without argument conditions; rules with conditions are reported as
 * "depends on arguments". File, exec and capability rules are checked against the IR with AppArmor glob semantics.
 */
public final class Simulator {
    /** One predicted denial. */
    public record Finding(String enforcer, String rule, String action, boolean certain) {
        @Override
        public String toString() {
            return enforcer + " would deny " + action + " (rule " + rule + ")" + (certain ? "" : " [depends on arguments]");
        }
    }

    private Simulator() {}

    public static List<Finding> simulate(CompiledPolicy policy, DynamicResult behaviour) {
        List<Finding> out = new ArrayList<>();
        EnforcerProfile seccomp = policy.artifacts().get("Seccomp");
        if (seccomp != null && behaviour.seccomp() != null && behaviour.seccomp().syscalls() != null) {
            seccomp(seccomp, behaviour.seccomp().syscalls(), out);
        }
        BpfResult b = behaviour.bpf();
        BpfResult allow = policy.ir().defense() == null ? null : policy.ir().defense().bpfAllowList();
        if (b != null && allow != null && policy.artifacts().containsKey("BPF")) {
            allowList(allow, b, out);
        } else if (b != null) {
            for (IrRule r : policy.ir().rules()) {
                if (r.disposition() == null || !r.disposition().denies()) {
                    continue;
                }
                if (r instanceof IrRule.Exec e && b.executions() != null) {
                    b.executions().stream().filter(x -> e.pattern().matches(x))
                            .forEach(x -> out.add(new Finding(enforcerOf(policy, r), e.origin(), "exec " + x, true)));
                } else if (r instanceof IrRule.File f && b.files() != null) {
                    for (FileAccess fa : b.files()) {
                        if (f.pattern().matches(fa.path()) && overlaps(f, fa.permissions())) {
                            out.add(new Finding(enforcerOf(policy, r), f.origin(), fa.permissions() + " " + fa.path(), true));
                        }
                    }
                } else if (r instanceof IrRule.Capability c && b.capabilities() != null) {
                    for (String cap : b.capabilities()) {
                        int bit = Linux.CAPABILITIES.indexOf(cap.toLowerCase(Locale.ROOT));
                        if (bit >= 0 && c.caps().contains(bit)) {
                            out.add(new Finding(enforcerOf(policy, r), c.origin(), "capability " + cap, true));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * What a BPF allow-list leaves out of recorded behaviour. Matching uses the listed patterns as written; the BPF
     * enforcer widens patterns it cannot hold (so it may allow slightly more than predicted here, never less).
     */
    private static void allowList(BpfResult allow, BpfResult b, List<Finding> out) {
        String rule = ModelPolicies.OUTSIDE_ALLOW_LIST;
        for (String x : nz(b.executions())) {
            if (nz(allow.executions()).stream().noneMatch(g -> matches(g, x))) {
                out.add(new Finding("BPF", rule, "exec " + x, true));
            }
        }
        for (FileAccess fa : nz(b.files())) {
            for (String p : nz(fa.permissions())) {
                String need = ModelPolicies.allowListPermission(p);
                if (need != null && nz(allow.files()).stream().noneMatch(a -> a.path() != null && matches(a.path(), fa.path())
                        && ModelPolicies.allowedByEntry(a.permissions()).contains(need))) {
                    out.add(new Finding("BPF", rule, p + " " + fa.path(), true));
                }
            }
        }
        for (String c : nz(b.capabilities())) {
            if (!nz(allow.capabilities()).contains(c)) {
                out.add(new Finding("BPF", rule, "capability " + c, true));
            }
        }
        if (b.network() != null) {
            var allowed = allow.network() == null ? List.<io.varmor.api.model.SocketUse>of() : nz(allow.network().sockets());
            for (var s : nz(b.network().sockets())) {
                boolean ok = allowed.stream().anyMatch(a -> a.domain().equals(s.domain()) && a.type().equals(s.type())
                        && (a.protocol().equals(s.protocol()) || a.protocol().equals("IPPROTO_IP")));
                if (!ok) {
                    out.add(new Finding("BPF", rule, "socket " + s.domain() + " " + s.type() + " " + s.protocol(), true));
                }
            }
        }
    }

    private static boolean matches(String glob, String path) {
        try {
            return io.varmor.core.ir.PathPattern.of(glob).matches(path) || glob.equals(path);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static <T> List<T> nz(List<T> l) {
        return l == null ? List.of() : l;
    }

    private static boolean overlaps(IrRule.File f, List<String> perms) {
        for (String p : perms == null ? List.<String>of() : perms) {
            FilePerm fp = switch (p) {
                case "read" -> FilePerm.READ;
                case "write" -> FilePerm.WRITE;
                case "append" -> FilePerm.APPEND;
                default -> null;
            };
            if (fp != null && f.perms().contains(fp)) {
                return true;
            }
        }
        return false;
    }

    private static String enforcerOf(CompiledPolicy policy, IrRule r) {
        List<String> by = policy.coverage().get(r.origin());
        return by == null || by.isEmpty() ? "?" : String.join("+", by);
    }

    @SuppressWarnings("unchecked")
    private static void seccomp(EnforcerProfile p, List<String> syscalls, List<Finding> out) {
        Map<String, Object> profile;
        try {
            profile = Manifests.json().readValue(p.content(), Map.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String def = String.valueOf(profile.get("defaultAction"));
        boolean denyByDefault = !def.equals("SCMP_ACT_ALLOW") && !def.equals("SCMP_ACT_LOG");
        List<Map<String, Object>> rules = (List<Map<String, Object>>) profile.getOrDefault("syscalls", List.of());
        for (String sc : syscalls) {
            Boolean allowed = null;
            boolean conditional = false;
            for (Map<String, Object> r : rules) {
                if (!((List<String>) r.get("names")).contains(sc)) {
                    continue;
                }
                String act = String.valueOf(r.get("action"));
                boolean allows = act.equals("SCMP_ACT_ALLOW") || act.equals("SCMP_ACT_LOG");
                boolean hasArgs = r.get("args") != null && !((List<?>) r.get("args")).isEmpty();
                if (hasArgs) {
                    conditional = true;
                    continue;
                }
                allowed = allows;
                break;
            }
            String rule = p.metadata().getOrDefault(sc, p.metadata().getOrDefault("*", "syscall " + sc));
            if (allowed == null) {
                if (denyByDefault) {
                    out.add(new Finding("Seccomp", rule, "syscall " + sc, !conditional));
                } else if (conditional) {
                    out.add(new Finding("Seccomp", rule, "syscall " + sc, false));
                }
            } else if (!allowed) {
                out.add(new Finding("Seccomp", rule, "syscall " + sc, true));
            }
        }
    }
}
