package io.varmor.k8s.support;

import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.core.spi.TargetBinding;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An enforcer that enforces nothing but records what it was asked to do; available on a node when the node's
 * capabilities have the fact {@code fake.<id>=yes}, else unavailable with a reason like the real ones give.
 */
public final class FakeEnforcer implements Enforcer {
    /** One call to apply (or to close what apply returned). */
    public record Call(String node, String op, String profile, long mntNs, String content, long atNanos) {}

    private final String id;
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    public final List<EventSink> observers = new CopyOnWriteArrayList<>();

    public FakeEnforcer(String id) {
        this.id = id;
    }

    /** The three vArmor enforcers. */
    public static List<FakeEnforcer> varmorSet() {
        return List.of(new FakeEnforcer("AppArmor"), new FakeEnforcer("BPF"), new FakeEnforcer("Seccomp"));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Set<Primitive> primitives() {
        return EnumSet.allOf(Primitive.class);
    }

    @Override
    public EnforcerProfile compile(PolicyIR ir) {
        var d = ir.defense();
        String content = switch (id) {
            case "Seccomp" -> d != null && d.seccompCustomProfile() != null ? d.seccompCustomProfile()
                    : "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[],\"rules\":" + ir.rules().size() + "}";
            case "BPF" -> "{\"mode\":\"" + ir.mode().wireName() + "\",\"rules\":" + ir.rules().size() + "}";
            default -> "profile " + ir.profileName() + " { # " + ir.mode().wireName() + " " + ir.rules().size() + " rules }";
        };
        return new EnforcerProfile(id, ir.profileName() + "." + id.toLowerCase(), content);
    }

    @Override
    public Availability availability(NodeCapabilities node) {
        if ("yes".equals(node.fact("fake." + id))) {
            return Availability.available(id + ": fake");
        }
        return Availability.unavailable(id.equals("BPF") ? "BPF LSM: program type lsm refused (EPERM)" : id + ": not on this node");
    }

    @Override
    public Applied apply(EnforcerProfile profile, TargetBinding target) throws EnforcementException {
        String node = target.attributes().getOrDefault("nodeName", target.attributes().getOrDefault("scope", "?"));
        calls.add(new Call(node, "apply", target.profileName(), target.mountNamespaceId(), profile.content(), System.nanoTime()));
        return () -> calls.add(new Call(node, "release", target.profileName(), target.mountNamespaceId(), profile.content(), System.nanoTime()));
    }

    @Override
    public AutoCloseable observe(TargetBinding target, EventSink sink) {
        observers.add(sink);
        return () -> observers.remove(sink);
    }
}
