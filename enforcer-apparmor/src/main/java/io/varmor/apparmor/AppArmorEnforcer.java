package io.varmor.apparmor;

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
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The AppArmor enforcer: IR → AppArmor profile text ({@link ProfileRenderer}), loaded on the node with
 * {@code apparmor_parser} ({@link AppArmorNode}), violations read from the audit log ({@link AuditRecords}).
 *
 * <p>Unlike BPF and Seccomp, AppArmor can scope rules to executables (child profiles), so targeted rules are accepted.
 * What it cannot express is refused rule by rule in {@link #cannotEnforce} with the reason (see {@link RuleLines}).
 */
public final class AppArmorEnforcer implements Enforcer {
    /** The enforcer id, as in {@code policy.enforcer}. */
    public static final String ID = "AppArmor";
    private static final String SUFFIX = ".apparmor";
    private static final Set<Primitive> PRIMITIVES = Collections.unmodifiableSet(EnumSet.of(Primitive.FILE,
            Primitive.EXEC, Primitive.CAPABILITY, Primitive.SOCKET, Primitive.MOUNT, Primitive.UMOUNT,
            Primitive.PTRACE, Primitive.RAW_APPARMOR));

    private final ProfileRenderer renderer = new ProfileRenderer();
    private final AppArmorNode node;
    private final Map<String, Integer> applied = new HashMap<>();
    private final Map<String, RuleAttribution> attributions = new java.util.concurrent.ConcurrentHashMap<>();

    /** For {@link java.util.ServiceLoader}: the real node. */
    public AppArmorEnforcer() {
        this(AppArmorNode.system());
    }

    public AppArmorEnforcer(AppArmorNode node) {
        this.node = node;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Set<Primitive> primitives() {
        return PRIMITIVES;
    }

    @Override
    public Optional<String> cannotEnforce(IrRule rule) {
        if (!PRIMITIVES.contains(rule.primitive())) {
            return Optional.of(ID + " has no " + rule.primitive().name().toLowerCase().replace('_', '-') + " primitive");
        }
        return RuleLines.problem(rule);
    }

    @Override
    public EnforcerProfile compile(PolicyIR ir) {
        RenderedProfile r = render(ir);
        return new EnforcerProfile(ID, ir.profileName() + SUFFIX, r.text(), r.metadata());
    }

    /** The profile text with the policy origin of each line, for tools and error mapping. */
    public RenderedProfile render(PolicyIR ir) {
        return renderer.render(ir);
    }

    @Override
    public Availability availability(NodeCapabilities caps) {
        return node.availability(caps);
    }

    /** {@code varmor-exec} switches to the profile when it executes the target ({@code /proc/self/attr/exec}). */
    @Override
    public List<String> launchArguments(EnforcerProfile profile, Path workDir) throws EnforcementException {
        String name = profileName(profile);
        AppArmorNode.requireManaged(name);
        remember(name, profile);
        return List.of("--apparmor", name);
    }

    /**
     * Loads (or replaces) the profile before the target executes. Closing the handle removes the profile once no
     * binding uses it any more.
     */
    /** A deny-by-default profile from a behaviour model (AppArmor complain records and BPF complain events). */
    @Override
    public Optional<String> profileFromModel(String profileName, io.varmor.api.model.DynamicResult model) {
        return Optional.of(ModelProfile.render(profileName, model));
    }

    @Override
    public Applied apply(EnforcerProfile profile, TargetBinding target) throws EnforcementException {
        String name = profileName(profile);
        if (!name.equals(target.profileName())) {
            throw new EnforcementException(ID + ": profile " + name + " cannot be applied to a target bound to "
                    + target.profileName());
        }
        RenderedProfile rendered = remember(name, profile);
        node.load(name, rendered, rendered.text().contains(ProfileRenderer.COMPLAIN_MARKER));
        synchronized (applied) {
            applied.merge(name, 1, Integer::sum);
        }
        return () -> release(name);
    }

    private RenderedProfile remember(String name, EnforcerProfile profile) {
        RenderedProfile r = RenderedProfile.of(profile.content(), profile.metadata());
        attributions.put(name, RuleAttribution.of(r));
        return r;
    }

    /** The profile name of an artefact this enforcer compiled ({@code <name>.apparmor}). */
    static String profileName(EnforcerProfile profile) throws EnforcementException {
        if (!ID.equals(profile.enforcerId()) || !profile.fileName().endsWith(SUFFIX)) {
            throw new EnforcementException(ID + ": not an AppArmor profile: " + profile.enforcerId() + " " + profile.fileName());
        }
        return profile.fileName().substring(0, profile.fileName().length() - SUFFIX.length());
    }

    private void release(String name) {
        synchronized (applied) {
            int left = applied.merge(name, -1, Integer::sum);
            if (left > 0) {
                return;
            }
            applied.remove(name);
        }
        try {
            node.remove(name);
        } catch (EnforcementException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Forwards the target's AppArmor records (from the audit log, or the kernel log without auditd). */
    @Override
    public AutoCloseable observe(TargetBinding target, EventSink sink) {
        return AuditSource.open(line -> AuditRecords.parse(line)
                .filter(e -> target.profileName().equals(e.profileName()))
                .map(e -> AuditRecords.forTarget(e, target, ruleFor(target.profileName(), e)))
                .ifPresent(sink::accept), n -> sink.lost("AppArmor", n, "the kernel lost or suppressed audit records"));
    }

    /** The rule of a loaded (or about to be loaded) profile that explains {@code e}. */
    String ruleFor(String profile, io.varmor.api.event.ViolationEvent e) {
        RuleAttribution a = attributions.get(profile);
        return a == null ? null : a.ruleFor(e).orElse(null);
    }
}
