package io.varmor.core.compile;

import io.varmor.api.PolicyResource;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.Suggestions;
import io.varmor.api.policy.AppArmorRawRules;
import io.varmor.api.policy.AttackProtectionRules;
import io.varmor.api.policy.BpfRawRules;
import io.varmor.api.policy.DefenseInDepth;
import io.varmor.api.policy.Destination;
import io.varmor.api.policy.EnhanceProtect;
import io.varmor.api.policy.FileRule;
import io.varmor.api.policy.LinuxSeccompArg;
import io.varmor.api.policy.LinuxSyscall;
import io.varmor.api.policy.MountRule;
import io.varmor.api.policy.NetworkSocketRule;
import io.varmor.api.policy.Port;
import io.varmor.api.policy.PtraceRule;
import io.varmor.core.catalog.RuleCatalog;
import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Linux;
import io.varmor.core.ir.Mode;
import io.varmor.core.ir.PathPattern;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.PortRange;
import io.varmor.core.ir.PtracePerm;
import io.varmor.core.ir.Syscalls;
import io.varmor.core.spi.RuleDefinition;
import io.varmor.core.validate.PolicyValidator;
import io.varmor.core.validate.Problems;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Expands a structurally valid policy into {@link PolicyIR}: built-in rule ids through the catalogue, raw BPF and
 * seccomp rules parsed with field-located errors. Every rule remembers the field path it came from
 * ({@link #originPaths()}), so enforceability errors point at the right line.
 */
public final class IrBuilder {
    static final Set<String> SECCOMP_ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    static final Set<String> SECCOMP_OPS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");
    /** Longest literal prefix or suffix of a BPF pattern (vArmor: 63). */
    public static final int MAX_BPF_LITERAL = 255;

    private final RuleCatalog catalog;
    private final Problems out;
    private final Map<String, String> originPaths = new LinkedHashMap<>();

    public IrBuilder(RuleCatalog catalog, Problems out) {
        this.catalog = catalog;
        this.out = out;
    }

    /** origin (rule id or raw-rule path) → field path of its first occurrence. */
    public Map<String, String> originPaths() {
        return originPaths;
    }

    public PolicyIR build(PolicyResource p, Set<String> enforcers, Mode mode, CompileOptions o) {
        var pol = p.spec().policy();
        EnhanceProtect ep = pol.enhanceProtect();
        boolean privileged = ep != null && Boolean.TRUE.equals(ep.privileged());
        List<IrRule> rules = new ArrayList<>();
        PolicyIR.Base base;
        Disposition baseDisposition = Disposition.DENY;
        boolean complain = false;
        PolicyIR.Defense defense = null;
        switch (mode) {
            case ALWAYS_ALLOW -> base = PolicyIR.Base.ALWAYS_ALLOW;
            case RUNTIME_DEFAULT -> base = PolicyIR.Base.RUNTIME_DEFAULT;
            case ENHANCE_PROTECT -> {
                base = privileged ? PolicyIR.Base.ALWAYS_ALLOW : PolicyIR.Base.RUNTIME_DEFAULT;
                boolean allow = Boolean.TRUE.equals(ep.allowViolations());
                boolean audit = Boolean.TRUE.equals(ep.auditViolations());
                baseDisposition = Disposition.of(allow, audit);
                builtins(ep, privileged, baseDisposition, rules);
                if (ep.bpfRawRules() != null) {
                    bpfRaw(ep.bpfRawRules(), privileged, "spec.policy.enhanceProtect.bpfRawRules", rules);
                }
                appArmorRaw(ep.appArmorRawRules(), "spec.policy.enhanceProtect.appArmorRawRules", rules);
                syscallRaw(ep.syscallRawRules(), "spec.policy.enhanceProtect.syscallRawRules", rules);
            }
            case BEHAVIOR_MODELING -> {
                base = PolicyIR.Base.NONE;
                complain = true;
            }
            case DEFENSE_IN_DEPTH -> {
                base = PolicyIR.Base.ALLOW_LIST;
                DefenseInDepth d = pol.defenseInDepth();
                complain = Boolean.TRUE.equals(d.allowViolations());
                String aaPath = "spec.policy.defenseInDepth.appArmor.appArmorRawRules";
                String scPath = "spec.policy.defenseInDepth.seccomp.syscallRawRules";
                if (d.appArmor() != null) {
                    appArmorRaw(d.appArmor().appArmorRawRules(), aaPath, rules);
                }
                if (d.seccomp() != null) {
                    syscallRaw(d.seccomp().syscallRawRules(), scPath, rules);
                }
                defense = new PolicyIR.Defense(
                        d.appArmor() == null ? null : d.appArmor().profileType(),
                        d.appArmor() == null ? null : d.appArmor().customProfile(),
                        d.appArmor() == null || d.appArmor().appArmorRawRules() == null ? List.of() : d.appArmor().appArmorRawRules(),
                        d.seccomp() == null ? null : d.seccomp().profileType(),
                        d.seccomp() == null ? null : d.seccomp().customProfile(),
                        d.seccomp() == null || d.seccomp().syscallRawRules() == null ? List.of() : d.seccomp().syscallRawRules(),
                        d.bpf() == null ? null : d.bpf().profileType(),
                        d.bpf() == null ? null : d.bpf().allowList(),
                        complain);
            }
            default -> throw new IllegalStateException(mode.toString());
        }
        return new PolicyIR(PolicyValidator.profileName(p, o.varmorNamespace()), p.kind(),
                p.clusterScoped() ? "" : PolicyValidator.namespace(p), p.metadata().name(), enforcers, mode, privileged,
                base, baseDisposition, complain, List.copyOf(rules), defense);
    }

    private void builtins(EnhanceProtect ep, boolean privileged, Disposition d, List<IrRule> rules) {
        String base = "spec.policy.enhanceProtect.";
        ids(ep.hardeningRules(), base + "hardeningRules", privileged, d, List.of(), rules);
        if (ep.attackProtectionRules() != null) {
            for (int i = 0; i < ep.attackProtectionRules().size(); i++) {
                AttackProtectionRules g = ep.attackProtectionRules().get(i);
                String gp = base + "attackProtectionRules[" + i + "]";
                List<String> targets = g.targets() == null ? List.of() : g.targets();
                for (int t = 0; t < targets.size(); t++) {
                    executableTarget(targets.get(t), gp + ".targets[" + t + "]");
                }
                if (g.rules() == null) {
                    out.error(ErrorId.MISSING_FIELD, gp + ".rules", "attackProtectionRules[].rules is required");
                }
                ids(g.rules(), gp + ".rules", privileged, d, targets, rules);
            }
        }
        ids(ep.vulMitigationRules(), base + "vulMitigationRules", privileged, d, List.of(), rules);
    }

    private void ids(List<String> ids, String path, boolean privileged, Disposition d, List<String> targets, List<IrRule> rules) {
        if (ids == null) {
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            String raw = ids.get(i);
            String p = path + "[" + i + "]";
            if (raw == null) {
                out.error(ErrorId.WRONG_TYPE, p, "rule id must be a string");
                continue;
            }
            var def = catalog.find(raw);
            if (def.isEmpty()) {
                out.error(ErrorId.UNKNOWN_RULE, p, "unknown rule id \"" + raw + "\"" + Suggestions.hint(RuleCatalog.normalize(raw), catalog.names())
                        + " (run `varmor rules` for the list)");
                continue;
            }
            RuleDefinition rd = def.get();
            originPaths.putIfAbsent(rd.id(), p);
            rules.addAll(rd.expand(new RuleDefinition.Context(privileged, d, rd.id(), targets)));
        }
    }

    private void executableTarget(String t, String path) {
        if (t == null || !t.startsWith("/")) {
            out.error(ErrorId.BAD_PATTERN, path, "targets must be absolute executable paths");
        }
    }

    private void appArmorRaw(List<AppArmorRawRules> raws, String path, List<IrRule> rules) {
        if (raws == null) {
            return;
        }
        for (int i = 0; i < raws.size(); i++) {
            AppArmorRawRules r = raws.get(i);
            String p = path + "[" + i + "]";
            if (r.rules() == null || r.rules().isBlank()) {
                out.error(ErrorId.MISSING_FIELD, p + ".rules", "appArmorRawRules[].rules is required");
                continue;
            }
            List<String> targets = r.targets() == null ? List.of() : r.targets();
            for (int t = 0; t < targets.size(); t++) {
                executableTarget(targets.get(t), p + ".targets[" + t + "]");
            }
            originPaths.putIfAbsent(p, p);
            rules.add(new IrRule.RawAppArmor(r.rules(), Disposition.DENY, p, targets));
        }
    }

    private void syscallRaw(List<LinuxSyscall> raws, String path, List<IrRule> rules) {
        if (raws == null) {
            return;
        }
        for (int i = 0; i < raws.size(); i++) {
            LinuxSyscall s = raws.get(i);
            String p = path + "[" + i + "]";
            boolean ok = true;
            if (s.names() == null || s.names().isEmpty()) {
                out.error(ErrorId.BAD_SYSCALL_RULE, p + ".names", "names must list at least one syscall");
                ok = false;
            } else {
                for (int n = 0; n < s.names().size(); n++) {
                    String name = s.names().get(n);
                    if (!Syscalls.X86_64.known(name)) {
                        out.error(ErrorId.BAD_SYSCALL_RULE, p + ".names[" + n + "]", "unknown syscall \"" + name + "\""
                                + Suggestions.hint(String.valueOf(name), Syscalls.X86_64.all().keySet()));
                        ok = false;
                    }
                }
            }
            if (s.action() == null || !SECCOMP_ACTIONS.contains(s.action())) {
                out.error(ErrorId.BAD_SYSCALL_RULE, p + ".action", "action must be one of " + new TreeSet<>(SECCOMP_ACTIONS)
                        + (s.action() == null ? " (missing)" : Suggestions.hint(s.action(), SECCOMP_ACTIONS)));
                ok = false;
            }
            if (s.args() != null) {
                for (int a = 0; a < s.args().size(); a++) {
                    LinuxSeccompArg arg = s.args().get(a);
                    String ap = p + ".args[" + a + "]";
                    if (arg.index() == null || arg.index() < 0 || arg.index() > 5) {
                        out.error(ErrorId.BAD_SYSCALL_RULE, ap + ".index", "argument index must be 0-5");
                        ok = false;
                    }
                    if (arg.op() == null || !SECCOMP_OPS.contains(arg.op())) {
                        out.error(ErrorId.BAD_SYSCALL_RULE, ap + ".op", "op must be one of " + new TreeSet<>(SECCOMP_OPS)
                                + (arg.op() == null ? " (missing)" : Suggestions.hint(arg.op(), SECCOMP_OPS)));
                        ok = false;
                    }
                }
            }
            if (ok) {
                originPaths.putIfAbsent(p, p);
                rules.add(new IrRule.RawSeccomp(s, Disposition.DENY, p, List.of()));
            }
        }
    }

    private Disposition qualifiers(List<String> q, String path) {
        boolean deny = false;
        boolean audit = false;
        if (q != null) {
            for (String s : q) {
                switch (String.valueOf(s).toLowerCase()) {
                    case "deny" -> deny = true;
                    case "audit" -> audit = true;
                    default -> out.error(ErrorId.BAD_QUALIFIER, path, "unknown qualifier \"" + s + "\"; expected deny and/or audit");
                }
            }
        }
        if (!deny && !audit) {
            out.warn(path, "rule has no deny or audit qualifier and therefore no effect");
        }
        return Disposition.ofQualifiers(deny, audit);
    }

    private void bpfRaw(BpfRawRules raw, boolean privileged, String path, List<IrRule> rules) {
        if (raw.files() != null) {
            for (int i = 0; i < raw.files().size(); i++) {
                fileRule(raw.files().get(i), path + ".files[" + i + "]", rules);
            }
        }
        if (raw.processes() != null) {
            for (int i = 0; i < raw.processes().size(); i++) {
                fileRule(raw.processes().get(i), path + ".processes[" + i + "]", rules);
            }
        }
        if (raw.network() != null) {
            if (raw.network().sockets() != null) {
                for (int i = 0; i < raw.network().sockets().size(); i++) {
                    socketRule(raw.network().sockets().get(i), path + ".network.sockets[" + i + "]", rules);
                }
            }
            var eg = raw.network().egress();
            if (eg != null) {
                if (eg.toDestinations() != null) {
                    for (int i = 0; i < eg.toDestinations().size(); i++) {
                        destination(eg.toDestinations().get(i), path + ".network.egress.toDestinations[" + i + "]", rules);
                    }
                }
                if (eg.toServices() != null) {
                    for (int i = 0; i < eg.toServices().size(); i++) {
                        var s = eg.toServices().get(i);
                        String p = path + ".network.egress.toServices[" + i + "]";
                        Disposition d = qualifiers(s.qualifiers(), p + ".qualifiers");
                        boolean byName = s.name() != null && !s.name().isEmpty();
                        if (byName == (s.serviceSelector() != null)) {
                            out.error(ErrorId.BAD_NETWORK_VALUE, p, "exactly one of name (with namespace) and serviceSelector is required");
                        } else if (byName && (s.namespace() == null || s.namespace().isEmpty())) {
                            out.error(ErrorId.BAD_NETWORK_VALUE, p + ".namespace", "a service named by name needs its namespace");
                        } else if (d != null) {
                            String ref = byName ? s.namespace() + "/" + s.name() : "selector:" + (s.namespace() == null ? "*" : s.namespace());
                            originPaths.putIfAbsent(p, p);
                            rules.add(new IrRule.Connect(null, false, ref, List.of(), d, p, List.of()));
                        }
                    }
                }
                if (eg.toPods() != null) {
                    for (int i = 0; i < eg.toPods().size(); i++) {
                        var pod = eg.toPods().get(i);
                        String p = path + ".network.egress.toPods[" + i + "]";
                        Disposition d = qualifiers(pod.qualifiers(), p + ".qualifiers");
                        if (pod.podSelector() == null) {
                            out.error(ErrorId.MISSING_FIELD, p + ".podSelector", "toPods[].podSelector is required");
                        } else if (d != null) {
                            originPaths.putIfAbsent(p, p);
                            rules.add(new IrRule.Connect(null, false, "pods:" + (pod.namespace() == null ? "*" : pod.namespace()),
                                    ports(pod.ports(), p + ".ports"), d, p, List.of()));
                        }
                    }
                }
            }
        }
        if (raw.ptrace() != null) {
            ptraceRule(raw.ptrace(), path + ".ptrace", rules);
        }
        if (raw.mounts() != null) {
            for (int i = 0; i < raw.mounts().size(); i++) {
                mountRule(raw.mounts().get(i), privileged, path + ".mounts[" + i + "]", rules);
            }
        }
    }

    /** Checks vArmor's BPF pattern syntax: one {@code *} (no {@code /}) or one {@code **}, never both. */
    private boolean bpfPattern(String pattern, String path) {
        if (pattern == null || pattern.isEmpty()) {
            out.error(ErrorId.MISSING_FIELD, path, "pattern is required");
            return false;
        }
        int doubles = pattern.split("\\*\\*", -1).length - 1;
        int singles = pattern.replace("**", "").chars().filter(c -> c == '*').count() > 0 ? 1 : 0;
        long allSingles = pattern.replace("**", "").chars().filter(c -> c == '*').count();
        if (doubles > 1) {
            out.error(ErrorId.BAD_PATTERN, path, "\"" + pattern + "\" has " + doubles + " \"**\" wildcards; BPF patterns allow one");
            return false;
        }
        if (doubles == 1 && singles > 0) {
            out.error(ErrorId.BAD_PATTERN, path, "\"" + pattern + "\" mixes \"*\" and \"**\"; BPF patterns allow one wildcard");
            return false;
        }
        if (allSingles > 1) {
            out.error(ErrorId.BAD_PATTERN, path, "\"" + pattern + "\" has more than one \"*\"");
            return false;
        }
        if (allSingles == 1 && pattern.indexOf('/') >= 0) {
            out.error(ErrorId.BAD_PATTERN, path, "\"" + pattern + "\" uses \"*\" with \"/\"; \"*\" matches file names only, use \"**\" for paths");
            return false;
        }
        int star = pattern.indexOf('*');
        String prefix = star < 0 ? pattern : pattern.substring(0, star);
        String suffix = star < 0 ? "" : pattern.substring(pattern.lastIndexOf('*') + 1);
        if (prefix.length() > MAX_BPF_LITERAL || suffix.length() > MAX_BPF_LITERAL) {
            out.error(ErrorId.BAD_PATTERN, path, "\"" + pattern + "\": the literal part before or after the wildcard is longer than "
                    + MAX_BPF_LITERAL + " bytes");
            return false;
        }
        return true;
    }

    private void fileRule(FileRule r, String path, List<IrRule> rules) {
        Disposition d = qualifiers(r.qualifiers(), path + ".qualifiers");
        boolean patternOk = bpfPattern(r.pattern(), path + ".pattern");
        EnumSet<FilePerm> perms = EnumSet.noneOf(FilePerm.class);
        boolean exec = false;
        if (r.permissions() == null || r.permissions().isEmpty()) {
            out.error(ErrorId.BAD_PERMISSION, path + ".permissions", "permissions must list at least one of all, read, write, append, exec");
            return;
        }
        for (int i = 0; i < r.permissions().size(); i++) {
            String s = r.permissions().get(i);
            switch (String.valueOf(s)) {
                case "all", "*" -> {
                    perms.addAll(EnumSet.of(FilePerm.READ, FilePerm.WRITE, FilePerm.APPEND));
                    exec = true;
                }
                case "read", "r" -> perms.add(FilePerm.READ);
                case "write", "w" -> perms.addAll(EnumSet.of(FilePerm.WRITE, FilePerm.APPEND));
                case "append", "a" -> perms.add(FilePerm.APPEND);
                case "exec", "x", "e" -> exec = true;
                default -> out.error(ErrorId.BAD_PERMISSION, path + ".permissions[" + i + "]", "unknown permission \"" + s
                        + "\"; expected all, read (r), write (w), append (a) or exec (x)");
            }
        }
        if (!patternOk || d == null) {
            return;
        }
        String pattern = toGlob(r.pattern());
        originPaths.putIfAbsent(path, path);
        if (!perms.isEmpty()) {
            rules.add(new IrRule.File(PathPattern.of(pattern), perms, d, path, List.of()));
        }
        if (exec) {
            rules.add(new IrRule.Exec(PathPattern.of(pattern), d, path, List.of()));
        }
    }

    /** A vArmor BPF pattern {@code P*S} (no slash) matches file names; as an IR glob it is {@code **}{@code /P*S}. */
    static String toGlob(String bpf) {
        if (bpf.indexOf('*') >= 0 && !bpf.contains("**") && bpf.indexOf('/') < 0) {
            return "**/" + bpf;
        }
        return bpf;
    }

    private void socketRule(NetworkSocketRule r, String path, List<IrRule> rules) {
        Disposition d = qualifiers(r.qualifiers(), path + ".qualifiers");
        boolean hasTypes = r.types() != null && !r.types().isEmpty();
        boolean hasProtocols = r.protocols() != null && !r.protocols().isEmpty();
        boolean hasDomains = r.domains() != null && !r.domains().isEmpty();
        if (hasTypes && hasProtocols) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "types and protocols are mutually exclusive");
        }
        if (!hasTypes && !hasProtocols && !hasDomains) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "at least one of domains, types and protocols is required");
        }
        SortedSet<Integer> domains = values(r.domains(), Linux.DOMAINS, Linux.MAX_DOMAIN, path + ".domains");
        SortedSet<Integer> types = values(r.types(), Linux.SOCKET_TYPES, -1, path + ".types");
        SortedSet<Integer> protocols = new TreeSet<>();
        if (hasProtocols) {
            for (int i = 0; i < r.protocols().size(); i++) {
                String s = r.protocols().get(i);
                if ("all".equals(s) || "*".equals(s)) {
                    Linux.PROTOCOLS.values().forEach(protocols::addAll);
                } else if (Linux.PROTOCOLS.containsKey(s)) {
                    protocols.addAll(Linux.PROTOCOLS.get(s));
                } else {
                    out.error(ErrorId.BAD_NETWORK_VALUE, path + ".protocols[" + i + "]", "unknown protocol \"" + s
                            + "\"; expected all, icmp, tcp or udp");
                }
            }
        }
        if (d != null) {
            originPaths.putIfAbsent(path, path);
            rules.add(new IrRule.Socket(domains, types, protocols, true, d, path, List.of()));
        }
    }

    private SortedSet<Integer> values(List<String> names, Map<String, Integer> table, int allMax, String path) {
        SortedSet<Integer> out = new TreeSet<>();
        if (names == null) {
            return out;
        }
        for (int i = 0; i < names.size(); i++) {
            String s = String.valueOf(names.get(i)).toLowerCase();
            if (s.equals("all") || s.equals("*")) {
                if (allMax >= 0) {
                    for (int v = 0; v <= allMax; v++) {
                        out.add(v);
                    }
                } else {
                    out.addAll(table.values());
                }
            } else if (table.containsKey(s)) {
                out.add(table.get(s));
            } else {
                this.out.error(ErrorId.BAD_NETWORK_VALUE, path + "[" + i + "]", "unknown value \"" + names.get(i) + "\""
                        + Suggestions.hint(s, table.keySet()));
            }
        }
        return out;
    }

    private void destination(Destination dst, String path, List<IrRule> rules) {
        Disposition d = qualifiers(dst.qualifiers(), path + ".qualifiers");
        boolean hasIp = dst.ip() != null && !dst.ip().isEmpty();
        boolean hasCidr = dst.cidr() != null && !dst.cidr().isEmpty();
        if (hasIp && hasCidr) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "ip and cidr are mutually exclusive");
            return;
        }
        List<PortRange> ports = ports(dst.ports(), path + ".ports");
        if (!hasIp && !hasCidr && (dst.ports() == null || dst.ports().isEmpty())) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "a destination needs ip, cidr or ports");
            return;
        }
        List<String> cidrs = new ArrayList<>();
        boolean podSelf = false;
        if (hasIp) {
            switch (dst.ip()) {
                case "pod-self" -> podSelf = true;
                case "unspecified" -> cidrs.addAll(List.of("0.0.0.0/32", "::/128"));
                case "localhost" -> cidrs.addAll(List.of("127.0.0.1/32", "::1/128"));
                default -> {
                    String c = cidr(dst.ip(), true, path + ".ip");
                    if (c != null) {
                        cidrs.add(c);
                    }
                }
            }
        } else if (hasCidr) {
            String c = cidr(dst.cidr(), false, path + ".cidr");
            if (c != null) {
                cidrs.add(c);
            }
        }
        if (d == null) {
            return;
        }
        originPaths.putIfAbsent(path, path);
        if (podSelf) {
            rules.add(new IrRule.Connect(null, true, null, ports, d, path, List.of()));
        } else if (cidrs.isEmpty() && !hasIp && !hasCidr) {
            rules.add(new IrRule.Connect(null, false, null, ports, d, path, List.of()));
        }
        for (String c : cidrs) {
            rules.add(new IrRule.Connect(c, false, null, ports, d, path, List.of()));
        }
    }

    private String cidr(String text, boolean single, String path) {
        String addr = text;
        int bits = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            if (single) {
                out.error(ErrorId.BAD_NETWORK_VALUE, path, "ip must be a single address; use cidr for ranges");
                return null;
            }
            addr = text.substring(0, slash);
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -2;
            }
        } else if (!single) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "cidr needs a prefix length, e.g. 10.0.0.0/8");
            return null;
        }
        if (!addr.matches("[0-9a-fA-F:.]+") || (!addr.contains(":") && !addr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "\"" + text + "\" is not an IPv4 or IPv6 address");
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(addr);
            int max = a.getAddress().length * 8;
            if (bits == -1) {
                bits = max;
            }
            if (bits < 0 || bits > max) {
                out.error(ErrorId.BAD_NETWORK_VALUE, path, "prefix length of \"" + text + "\" must be 0-" + max);
                return null;
            }
            return a.getHostAddress() + "/" + bits;
        } catch (Exception e) {
            out.error(ErrorId.BAD_NETWORK_VALUE, path, "\"" + text + "\" is not an IPv4 or IPv6 address");
            return null;
        }
    }

    private List<PortRange> ports(List<Port> ports, String path) {
        List<PortRange> out = new ArrayList<>();
        if (ports == null) {
            return out;
        }
        for (int i = 0; i < ports.size(); i++) {
            Port p = ports.get(i);
            int from = p.port() == null ? 0 : p.port();
            int to = p.endPort() == null || p.endPort() == 0 ? from : p.endPort();
            if (from < 1 || from > 65535 || to < from || to > 65535) {
                this.out.error(ErrorId.BAD_NETWORK_VALUE, path + "[" + i + "]", "port must be 1-65535 and endPort at least port (found "
                        + from + (to != from ? "-" + to : "") + ")");
                continue;
            }
            out.add(new PortRange(from, to));
        }
        return out;
    }

    private void ptraceRule(PtraceRule r, String path, List<IrRule> rules) {
        Disposition d = qualifiers(r.qualifiers(), path + ".qualifiers");
        EnumSet<PtracePerm> perms = EnumSet.noneOf(PtracePerm.class);
        if (r.permissions() == null || r.permissions().isEmpty()) {
            out.error(ErrorId.BAD_PERMISSION, path + ".permissions", "permissions must list all, trace, read, traceby or readby");
            return;
        }
        for (int i = 0; i < r.permissions().size(); i++) {
            String s = r.permissions().get(i);
            switch (String.valueOf(s)) {
                case "all", "*" -> perms.addAll(EnumSet.allOf(PtracePerm.class));
                case "trace" -> perms.add(PtracePerm.TRACE);
                case "read" -> perms.add(PtracePerm.READ);
                case "traceby" -> perms.add(PtracePerm.TRACEBY);
                case "readby" -> perms.add(PtracePerm.READBY);
                default -> out.error(ErrorId.BAD_PERMISSION, path + ".permissions[" + i + "]", "unknown ptrace permission \"" + s
                        + "\"; expected all, trace, read, traceby or readby");
            }
        }
        if (d != null && !perms.isEmpty()) {
            originPaths.putIfAbsent(path, path);
            rules.add(new IrRule.Ptrace(perms, Boolean.TRUE.equals(r.strictMode()), d, path, List.of()));
        }
    }

    private void mountRule(MountRule r, boolean privileged, String path, List<IrRule> rules) {
        Disposition d = qualifiers(r.qualifiers(), path + ".qualifiers");
        boolean ok = bpfPattern(r.sourcePattern(), path + ".sourcePattern");
        String fstype = r.fstype();
        if (fstype == null || fstype.isEmpty() || (!fstype.equals("*") && fstype.length() >= 16)) {
            out.error(ErrorId.BAD_MOUNT_VALUE, path + ".fstype", "fstype must be \"*\" or a filesystem type shorter than 16 bytes");
            ok = false;
        }
        long flags = 0;
        long reverse = 0;
        boolean umount = false;
        if (r.flags() == null || r.flags().isEmpty()) {
            out.error(ErrorId.BAD_MOUNT_VALUE, path + ".flags", "flags must list at least one mount flag (or all)");
            ok = false;
        } else {
            for (int i = 0; i < r.flags().size(); i++) {
                String f = r.flags().get(i);
                if ("all".equals(f) || "*".equals(f)) {
                    flags = -1L;
                    umount = true;
                } else if ("umount".equals(f)) {
                    umount = true;
                } else if (Linux.MOUNT_FLAGS.containsKey(f)) {
                    flags |= Linux.MOUNT_FLAGS.get(f);
                } else if (Linux.REVERSE_MOUNT_FLAGS.containsKey(f)) {
                    reverse |= Linux.REVERSE_MOUNT_FLAGS.get(f);
                } else {
                    out.error(ErrorId.BAD_MOUNT_VALUE, path + ".flags[" + i + "]", "unknown mount flag \"" + f + "\""
                            + Suggestions.hint(String.valueOf(f), Linux.MOUNT_FLAGS.keySet()));
                    ok = false;
                }
            }
        }
        if (!ok || d == null) {
            return;
        }
        if (!privileged) {
            out.warn(path, "raw mount rules apply only when enhanceProtect.privileged is true (non-privileged profiles deny all mounts already)");
            return;
        }
        originPaths.putIfAbsent(path, path);
        String glob = toGlob(r.sourcePattern());
        if (flags != 0 || reverse != 0) {
            rules.add(new IrRule.Mount(PathPattern.of(glob), fstype, flags == -1L ? 0 : flags, reverse, false, d, path, List.of()));
        }
        if (umount) {
            rules.add(new IrRule.Umount(PathPattern.of(glob), d, path, List.of()));
        }
    }
}
