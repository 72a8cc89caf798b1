package io.varmor.k8s.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import io.varmor.k8s.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Binds container-scoped profiles (BPF) to the containers whose pod annotation
 * {@code container.bpf.security.beta.varmor.org/<container>: localhost/<profile>} names them, keyed by the container's
 * mount namespace, and keeps the bindings in step with profile changes: a profile that arrives after its containers
 * is bound to them at once (vArmor waits for the next agent restart), an updated profile is applied before the old
 * binding is released, a deleted one is unbound everywhere.
 */
public final class ContainerBinder implements ContainerListener {
    private static final Logger LOG = Logger.getLogger(ContainerBinder.class.getName());

    private record Target(ContainerInfo container, String profile) {}

    private record Bound(String profile, List<Enforcer.Applied> handles, List<AutoCloseable> observers) {}

    private final Plugins plugins;
    private final EventSink sink;
    private final String nodeName;
    private final Map<String, Map<String, EnforcerProfile>> profiles = new HashMap<>();
    private final Map<String, Target> targets = new LinkedHashMap<>();
    private final Map<String, Bound> bound = new HashMap<>();
    private final List<Long> bindMillis = new ArrayList<>();

    public ContainerBinder(Plugins plugins, EventSink sink, String nodeName) {
        this.plugins = plugins;
        this.sink = sink;
        this.nodeName = nodeName;
    }

    /** The profile a container references for container-scoped enforcement, or null. */
    static String profileOf(Pod pod, String container) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        String v = a == null ? null : a.get(Names.BPF_ANNOTATION + container);
        return v != null && v.startsWith(Names.LOCALHOST) ? v.substring(Names.LOCALHOST.length()) : null;
    }

    @Override
    public synchronized void started(ContainerInfo c, Pod pod) {
        String profile = profileOf(pod, c.containerName());
        if (profile == null) {
            return;
        }
        targets.put(c.id(), new Target(c, profile));
        if (profiles.containsKey(profile)) {
            bind(c, profile);
        }
    }

    @Override
    public synchronized void stopped(ContainerInfo c) {
        targets.remove(c.id());
        unbind(c.id());
    }

    /** A profile's container-scoped parts were (re)loaded. */
    public synchronized void profileLoaded(String profile, Map<String, EnforcerProfile> scoped) {
        if (scoped.isEmpty()) {
            profileRemoved(profile);
            return;
        }
        profiles.put(profile, scoped);
        for (Target t : targets.values()) {
            if (t.profile().equals(profile)) {
                bind(t.container(), profile);
            }
        }
    }

    public synchronized void profileRemoved(String profile) {
        profiles.remove(profile);
        for (Target t : targets.values()) {
            if (t.profile().equals(profile)) {
                unbind(t.container().id());
            }
        }
    }

    /** Containers bound now, by container id → profile. */
    public synchronized Map<String, String> bindings() {
        Map<String, String> out = new HashMap<>();
        bound.forEach((id, b) -> out.put(id, b.profile()));
        return out;
    }

    /** Milliseconds from discovery to binding, for every binding made (the measured enforcement window's agent part). */
    public synchronized List<Long> bindLatencies() {
        return List.copyOf(bindMillis);
    }

    private void bind(ContainerInfo c, String profile) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("nodeName", nodeName);
        attrs.put("podUID", c.podUid());
        attrs.put("podName", c.podName());
        attrs.put("podNamespace", c.podNamespace());
        attrs.put("containerID", c.id());
        attrs.put("containerName", c.containerName());
        if (c.image() != null) {
            attrs.put("image", c.image());
        }
        TargetBinding binding = new TargetBinding(profile, c.mountNamespace(), 0, c.pid(), c.discoveredAtMillis(), attrs);
        List<Enforcer.Applied> handles = new ArrayList<>();
        List<AutoCloseable> observers = new ArrayList<>();
        for (Map.Entry<String, EnforcerProfile> e : profiles.get(profile).entrySet()) {
            Enforcer enforcer = plugins.enforcer(e.getKey()).orElse(null);
            if (enforcer == null) {
                continue;
            }
            try {
                handles.add(enforcer.apply(e.getValue(), binding));
                observers.add(enforcer.observe(binding, sink));
            } catch (EnforcementException | RuntimeException ex) {
                LOG.warning(e.getKey() + ": cannot bind " + profile + " to container " + c.containerName() + " of pod "
                        + c.podNamespace() + "/" + c.podName() + ": " + ex.getMessage());
            }
        }
        Bound old = bound.put(c.id(), new Bound(profile, handles, observers));
        if (old != null) {
            release(old);
        }
        bindMillis.add(System.currentTimeMillis() - c.discoveredAtMillis());
    }

    private void unbind(String containerId) {
        Bound b = bound.remove(containerId);
        if (b != null) {
            release(b);
        }
    }

    private static void release(Bound b) {
        for (AutoCloseable o : b.observers()) {
            try {
                o.close();
            } catch (Exception e) {
                // already stopped
            }
        }
        for (Enforcer.Applied a : b.handles()) {
            try {
                a.close();
            } catch (RuntimeException e) {
                // the container is gone
            }
        }
    }
}
