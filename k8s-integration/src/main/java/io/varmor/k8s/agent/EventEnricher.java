package io.varmor.k8s.agent;

import io.varmor.api.event.ViolationEvent;
import io.varmor.core.spi.EventSink;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Completes enforcers' violation events with what only the agent knows (node, pod and container by mount namespace,
 * the owning policy by profile name) and forwards them to every sink (violation log, Kubernetes Events).
 */
public final class EventEnricher implements EventSink {
    /** The policy a profile belongs to: kind, name, namespace (empty for cluster policies). */
    public record Owner(String kind, String name, String namespace) {}

    private final String nodeName;
    private final LongFunction<Optional<ContainerInfo>> byMountNamespace;
    private final Function<String, Optional<Owner>> ownerOfProfile;
    private final List<EventSink> sinks;
    private final java.util.Map<String, String> metadata;

    public EventEnricher(String nodeName, LongFunction<Optional<ContainerInfo>> byMountNamespace,
                         Function<String, Optional<Owner>> ownerOfProfile, List<EventSink> sinks, java.util.Map<String, String> metadata) {
        this.metadata = metadata;
        this.nodeName = nodeName;
        this.byMountNamespace = byMountNamespace;
        this.ownerOfProfile = ownerOfProfile;
        this.sinks = sinks;
    }

    @Override
    public void lost(String enforcer, long count, String reason) {
        for (EventSink s : sinks) {
            s.lost(enforcer, count, reason);
        }
    }

    @Override
    public void accept(ViolationEvent v) {
        ViolationEvent e = v;
        Optional<ContainerInfo> c = v.podName() == null && v.mntNsID() != null ? byMountNamespace.apply(v.mntNsID()) : Optional.empty();
        Optional<Owner> o = v.policyName() == null && v.profileName() != null ? ownerOfProfile.apply(v.profileName()) : Optional.empty();
        if (c.isPresent() || o.isPresent() || v.nodeName() == null || (v.metadata() == null && !metadata.isEmpty())) {
            ContainerInfo ci = c.orElse(null);
            Owner ow = o.orElse(null);
            e = new ViolationEvent(v.level(), v.metadata() == null ? metadata : v.metadata(), v.nodeName() == null ? nodeName : v.nodeName(),
                    ci == null ? v.podUID() : ci.podUid(), ci == null ? v.podName() : ci.podName(),
                    ci == null ? v.podNamespace() : ci.podNamespace(), ci == null ? v.containerID() : ci.id(),
                    ci == null ? v.containerName() : ci.containerName(), ci == null ? v.image() : ci.image(),
                    v.pid(), v.mntNsID(), v.eventTimestamp(), v.enforcer(), v.action(), v.profileName(),
                    ow == null ? v.policyKind() : ow.kind(), ow == null ? v.policyName() : ow.name(),
                    ow == null ? v.policyNamespace() : ow.namespace(), v.ruleId(), v.event(), v.time(), v.message());
        }
        for (EventSink s : sinks) {
            try {
                s.accept(e);
            } catch (RuntimeException ex) {
                // one sink failing must not starve the others
            }
        }
    }
}
