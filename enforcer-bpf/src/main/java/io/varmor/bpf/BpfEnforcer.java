package io.varmor.bpf;

import io.varmor.api.io.Manifests;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The BPF LSM enforcer: compiles the IR into map tables. Loading the LSM programs is the node side (see the kernel lab);
 * until it ships, {@link #availability} says so and {@link #apply} refuses.
 */
public final class BpfEnforcer implements Enforcer {
    /** Default capacity of each rule table per profile (vArmor: 64). */
    public static final int DEFAULT_MAX_RULES = 1024;

    private final int maxRulesPerKind;

    public BpfEnforcer() {
        this(DEFAULT_MAX_RULES);
    }

    public BpfEnforcer(int maxRulesPerKind) {
        this.maxRulesPerKind = maxRulesPerKind;
    }

    @Override
    public String id() {
        return "BPF";
    }

    @Override
    public Set<Primitive> primitives() {
        return EnumSet.of(Primitive.FILE, Primitive.EXEC, Primitive.CAPABILITY, Primitive.SOCKET, Primitive.CONNECT,
                Primitive.MOUNT, Primitive.UMOUNT, Primitive.PTRACE);
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

    /** Drops the rules this enforcer cannot enforce (another selected enforcer covers them). */
    private PolicyIR filter(PolicyIR ir) {
        List<IrRule> mine = ir.rules().stream().filter(r -> cannotEnforce(r).isEmpty()).toList();
        return new PolicyIR(ir.profileName(), ir.policyKind(), ir.policyNamespace(), ir.policyName(), ir.enforcers(), ir.mode(),
                ir.privileged(), ir.base(), ir.baseDisposition(), ir.complain(), mine, ir.defense());
    }
}
