package io.varmor.bpf;

import io.varmor.api.io.Manifests;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.core.spi.TargetBinding;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The BPF LSM enforcer. {@link #compile} turns the IR into {@link BpfTables} (pure); on a node, {@link #availability}
 * load-probes BPF LSM, {@link #apply} writes the profile's tables once per content and binds the target's mount
 * namespace to them, and {@link #observe} forwards the ring buffer's events. Programs, links and maps are pinned under
 * {@link BpfConfig#pinRoot()}; a restarted agent adopts them (see {@link BpfRuntime}).
 */
public final class BpfEnforcer implements Enforcer {
    /** Default capacity of each rule table per profile (vArmor: 64). */
    public static final int DEFAULT_MAX_RULES = 1024;

    private final int maxRulesPerKind;
    private final BpfConfig config;
    /**
     * One runtime per pin root in this process: every enforcer instance (an embedding JVM or the lab's scenario runner
     * discovers plugins once per run) shares it, so only one thread drains the node's ring buffer here — two would
     * each take events of the other's targets and drop them as unobserved.
     */
    private static final java.util.Map<String, BpfRuntime> RUNTIMES = new java.util.HashMap<>();
    private BpfLsmSupport support;

    public BpfEnforcer() {
        this(DEFAULT_MAX_RULES);
    }

    public BpfEnforcer(int maxRulesPerKind) {
        this(maxRulesPerKind, BpfConfig.fromSystemProperties());
    }

    /** With node-side settings (pin directory, table sizes, event limits). */
    public BpfEnforcer(int maxRulesPerKind, BpfConfig config) {
        this.maxRulesPerKind = maxRulesPerKind;
        this.config = config;
    }

    @Override
    public String id() {
        return "BPF";
    }

    @Override
    public Set<Primitive> primitives() {
        return EnumSet.of(Primitive.FILE, Primitive.EXEC, Primitive.CAPABILITY, Primitive.SOCKET, Primitive.CONNECT,
                Primitive.MOUNT, Primitive.UMOUNT, Primitive.PTRACE, Primitive.USERNS_CREATE);
    }

    @Override
    public Optional<String> cannotEnforce(IrRule rule) {
        Optional<String> base = Enforcer.super.cannotEnforce(rule);
        if (base.isPresent()) {
            return base;
        }
        if (rule instanceof IrRule.File f) {
            return BpfCompiler.unsupportedPattern(f.pattern());
        }
        if (rule instanceof IrRule.Exec e) {
            return BpfCompiler.unsupportedPattern(e.pattern());
        }
        if (rule instanceof IrRule.Mount m) {
            if (m.source().shape() == io.varmor.core.ir.PathPattern.Shape.CHAIN) {
                return Optional.of("BPF mount rules cannot match components in the middle of \"" + m.source().glob() + "\"");
            }
            return BpfCompiler.unsupportedPattern(m.source());
        }
        if (rule instanceof IrRule.Umount u) {
            return BpfCompiler.unsupportedPattern(u.path());
        }
        return Optional.empty();
    }

    @Override
    public List<String> checkCapacity(PolicyIR ir) {
        if (ir.base() == PolicyIR.Base.ALLOW_LIST && (ir.defense() == null || ir.defense().bpfAllowList() == null)) {
            return List.of(); // nothing to size; compile says what is missing
        }
        BpfTables t = BpfCompiler.compile(filter(ir));
        List<String> out = new ArrayList<>();
        check(out, "file", t.files().size());
        check(out, "process", t.processes().size());
        check(out, "network", t.sockets().size() + t.egress().size());
        check(out, "mount", t.mounts().size() + t.umounts().size());
        return out;
    }

    private void check(List<String> out, String kind, int n) {
        if (n > maxRulesPerKind) {
            out.add("the maximum number of BPF " + kind + " rules is exceeded (max: " + maxRulesPerKind + ", expected: " + n + ")");
        }
    }

    @Override
    public EnforcerProfile compile(PolicyIR ir) {
        return new EnforcerProfile(id(), ir.profileName() + ".bpf.json", Manifests.toPrettyJson(BpfCompiler.compile(filter(ir))));
    }

    @Override
    public synchronized Availability availability(NodeCapabilities node) {
        if (support == null) {
            support = BpfLsmSupport.probe();
        }
        if (!support.supported()) {
            return Availability.unavailable("BPF LSM: " + support.detail());
        }
        if (!node.activeLsms().isEmpty() && !node.lsmActive("bpf")) {
            return Availability.unavailable("BPF LSM: programs load but \"bpf\" is not in the active LSM list ("
                    + String.join(",", node.activeLsms()) + "); boot with lsm=...,bpf");
        }
        return Availability.available("BPF LSM: program type lsm loads (kernel " + node.kernelRelease() + ")");
    }

    /** The node runtime of this process, loading or adopting the pinned programs on first use. */
    public BpfRuntime runtime() throws EnforcementException {
        synchronized (RUNTIMES) {
            BpfRuntime rt = RUNTIMES.get(config.pinRoot());
            if (rt == null) {
                rt = BpfRuntime.open(config);
                rt.collectGarbage();
                RUNTIMES.put(config.pinRoot(), rt);
            }
            return rt;
        }
    }

    @Override
    public Applied apply(EnforcerProfile profile, TargetBinding target) throws EnforcementException {
        if (target.mountNamespaceId() == 0) {
            throw new EnforcementException("BPF binds targets by mount namespace; " + target.profileName()
                    + " was applied without one");
        }
        BpfTables tables;
        try {
            tables = Manifests.json().readValue(profile.content(), BpfTables.class);
        } catch (java.io.IOException e) {
            throw new EnforcementException("BPF: the profile is not BPF tables JSON: " + e.getMessage(), e);
        }
        BpfRuntime rt = runtime();
        int id = rt.ensureProfile(tables, canonicalHash(tables));
        long ns = target.mountNamespaceId();
        rt.bind(ns, id, target);
        return () -> {
            rt.flushEvents(); // the target's last events still name their rule
            rt.unbind(ns, id);
        };
    }

    /** SHA-256 of the tables in canonical JSON (the same content hashes the same whatever its formatting). */
    static byte[] canonicalHash(BpfTables t) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Manifests.toJson(t).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public AutoCloseable observe(TargetBinding target, EventSink sink) {
        if (target.mountNamespaceId() == 0) {
            return () -> {};
        }
        try {
            return runtime().watch(target, sink);
        } catch (EnforcementException e) {
            System.err.println("varmor: BPF events for " + target.profileName() + " are not observed: " + e.getMessage());
            return () -> {};
        }
    }

    /** Detaches and unpins everything this enforcer pinned (all versions), and releases this process's handles. */
    public void uninstall() throws java.io.IOException {
        synchronized (RUNTIMES) {
            BpfRuntime rt = RUNTIMES.remove(config.pinRoot());
            if (rt != null) {
                rt.close();
            }
            BpfRuntime.uninstall(config.pinRoot());
        }
    }

    /** Drops the rules this enforcer cannot enforce (another selected enforcer covers them). */
    private PolicyIR filter(PolicyIR ir) {
        List<IrRule> mine = ir.rules().stream().filter(r -> cannotEnforce(r).isEmpty()).toList();
        return new PolicyIR(ir.profileName(), ir.policyKind(), ir.policyNamespace(), ir.policyName(), ir.enforcers(), ir.mode(),
                ir.privileged(), ir.base(), ir.baseDisposition(), ir.complain(), mine, ir.defense());
    }
}
