package org.example.varmor.landlock;

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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The Landlock enforcer (policy id {@code Landlock}): unprivileged, stackable file-hierarchy, TCP-port and
 * ptrace confinement, applied by the sandboxed process itself ({@code varmor-exec --landlock}) before it executes the
 * command. What maps and what does not is {@link IrMapping}'s business; how denials become Landlock's allow-list is
 * {@link RulesetWriter}'s.
 *
 * <p>Lifecycle: {@link #compile} is pure and keeps the denials; {@link #launchArguments} expands them against this
 * node's directory tree into the ruleset file; {@link #apply} has nothing to do (the target applies the ruleset to
 * itself); {@link #observe} reads the kernel's denial records when audit is on.
 */
public final class LandlockEnforcer implements Enforcer {
    /** The id a policy names in {@code spec.policy.enforcer}. */
    public static final String ID = "Landlock";

    private final Supplier<AbiProbe.Result> probe;
    private final Map<String, LandlockProfile> launched = new ConcurrentHashMap<>();

    /** The enforcer {@link java.util.ServiceLoader} creates: asks the running kernel. */
    public LandlockEnforcer() {
        this(AbiProbe::probe);
    }

    /** With another ABI probe (tests); the supplier may throw when the kernel cannot be asked. */
    public LandlockEnforcer(Supplier<AbiProbe.Result> probe) {
        this.probe = probe;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Primitive> primitives() {
        return EnumSet.of(Primitive.FILE, Primitive.EXEC, Primitive.CONNECT, Primitive.PTRACE);
    }

    @Override
    public Optional<String> cannotEnforce(IrRule rule) {
        if (!primitives().contains(rule.primitive())) {
            return Enforcer.super.cannotEnforce(rule);
        }
        return IrMapping.whyNot(rule);
    }

    /** Policy-wide limits: Landlock only denies, so it has no observe-only (complain) mode and no allow-list base. */
    @Override
    public List<String> checkCapacity(PolicyIR ir) {
        List<String> out = new ArrayList<>();
        if (ir.complain()) {
            out.add("Landlock has no complain mode: it cannot report an access without denying it ("
                    + ir.mode().wireName() + " observes only)");
        }
        if (ir.base() == PolicyIR.Base.ALLOW_LIST) {
            out.add("Landlock has no DefenseInDepth profile: select AppArmor or Seccomp for " + ir.mode().wireName());
        }
        return out;
    }

    @Override
    public EnforcerProfile compile(PolicyIR ir) {
        String text = IrMapping.translate(ir).toText("Landlock denials of " + ir.profileName() + " (" + ir.mode().wireName()
                + "); expanded into an allow-list on the node");
        return new EnforcerProfile(ID, ir.profileName() + ".landlock", text);
    }

    @Override
    public Availability availability(NodeCapabilities node) {
        AbiProbe.Result r;
        try {
            r = probe.get();
        } catch (RuntimeException | LinkageError e) {
            if (node.lsmActive("landlock")) {
                return Availability.available("Landlock: active (ABI unknown: cannot call the kernel from Java here: " + e
                        + "); varmor-exec checks the ABI when the sandbox starts");
            }
            return Availability.unavailable("Landlock: not among the active LSMs (" + String.join(",", node.activeLsms()) + ")");
        }
        if (r.ok()) {
            return Availability.available("Landlock: ABI " + r.abi() + " (Linux " + AbiProbe.linuxFor(r.abi()) + "): "
                    + features(r.abi()) + "; applied by varmor-exec before the target executes");
        }
        if (r.errno() == AbiProbe.EOPNOTSUPP) {
            return Availability.unavailable("Landlock: built in but disabled (add landlock to the lsm= boot parameter; active: "
                    + String.join(",", node.activeLsms()) + ")");
        }
        if (r.errno() == AbiProbe.ENOSYS) {
            return Availability.unavailable("Landlock: this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK)");
        }
        return Availability.unavailable("Landlock: landlock_create_ruleset failed with errno " + r.errno());
    }

    static String features(int abi) {
        StringBuilder b = new StringBuilder("file hierarchies");
        if (abi >= 4) {
            b.append(", TCP bind/connect ports");
        }
        if (abi >= 6) {
            b.append(", IPC scoping");
        }
        if (abi >= 7) {
            b.append(", denial logging (with audit on)");
        }
        return b.toString();
    }

    @Override
    public List<String> launchArguments(EnforcerProfile profile, Path workDir) throws EnforcementException {
        LandlockProfile p;
        try {
            p = LandlockProfile.parse(profile.content());
        } catch (IllegalArgumentException e) {
            throw new EnforcementException("Landlock: " + e.getMessage(), e);
        }
        if (p.isEmpty()) {
            return List.of();
        }
        if (!p.ports().isEmpty()) {
            requirePorts();
        }
        String name = profile.fileName().replaceFirst("\\.landlock$", "");
        Path file = workDir.resolve("landlock.rules");
        try {
            Files.writeString(file, RulesetWriter.write(p, workDir, "Landlock ruleset for " + name
                    + ", generated on this node by the Landlock plugin"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EnforcementException("Landlock: cannot write the ruleset: " + e.getMessage(), e);
        }
        launched.put(name, p);
        return List.of("--landlock", file.toString());
    }

    private void requirePorts() throws EnforcementException {
        try {
            AbiProbe.Result r = probe.get();
            if (r.ok() && r.abi() < 4) {
                throw new EnforcementException("Landlock: this kernel's ABI " + r.abi()
                        + " cannot restrict TCP ports (needs ABI 4, Linux 6.7)");
            }
        } catch (RuntimeException | LinkageError unknown) {
            // varmor-exec checks again and fails clearly
        }
    }

    @Override
    public AutoCloseable observe(TargetBinding target, EventSink sink) {
        LandlockProfile p = launched.get(target.profileName());
        if (p == null || !p.audits() || !Files.isReadable(Path.of("/dev/kmsg"))) {
            return () -> {};
        }
        return LandlockAuditReader.start(target, sink, p);
    }
}
