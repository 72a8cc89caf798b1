package io.varmor.k8s.agent;

import io.varmor.api.io.Manifests;
import io.varmor.api.profile.Profile;
import io.varmor.core.plugin.EnforcerNames;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.core.spi.TargetBinding;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads ArmorProfiles on this node through the enforcer plugins, honestly: an enforcer the profile needs but this
 * node lacks (no plugin, disabled on the agent, or unavailable on the kernel) makes the load fail with the
 * enforcer's own reason, which the agent reports as {@code failed} for its node.
 *
 * <ul>
 *   <li>Seccomp: the JSON is written for the kubelet ({@link SeccompProfiles});</li>
 *   <li>container-scoped enforcers (BPF): the profile is kept and bound to each matching container by
 *       {@link ContainerBinder};</li>
 *   <li>every other enforcer (AppArmor): {@link Enforcer#apply} with a node-scope binding (no mount namespace),
 *       i.e. the profile is loaded for the runtime to attach by name.</li>
 * </ul>
 * An update applies the new profile before releasing the old one, so there is no unconfined gap.
 */
public final class NodeEnforcement {
    /** Enforcers bound per container rather than loaded per node. */
    public static final Set<String> CONTAINER_SCOPED = Set.of("BPF");
    static final String BPF_HINT = "the BPF LSM feature is not supported by the host, or the BPF enforcer has not been enabled in varmor";

    private final Plugins plugins;
    private final NodeCapabilities caps;
    private final Set<String> enabled;
    private final SeccompProfiles seccomp;

    /** What is loaded for one profile. */
    public record Loaded(String profile, List<Enforcer.Applied> handles, Map<String, EnforcerProfile> containerScoped,
                         boolean seccompWritten, List<String> errors, List<String> notes) {
        public boolean ok() {
            return errors.isEmpty();
        }

        /** {@code Ready}, or every error joined. */
        public String message() {
            return errors.isEmpty() ? "Ready" : String.join("; ", errors);
        }
    }

    /**
     * @param enabled enforcer ids the agent may use (vArmor's {@code --enableBpfEnforcer} etc.); null: every plugin
     */
    public NodeEnforcement(Plugins plugins, NodeCapabilities caps, Set<String> enabled, SeccompProfiles seccomp) {
        this.plugins = plugins;
        this.caps = caps;
        this.enabled = enabled;
        this.seccomp = seccomp;
    }

    public Plugins plugins() {
        return plugins;
    }

    /** Loads {@code p}; {@code previous} (may be null) is released after the new profile is in place. */
    public Loaded load(Profile p, Loaded previous) {
        List<String> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<Enforcer.Applied> handles = new ArrayList<>();
        Map<String, EnforcerProfile> scoped = new TreeMap<>();
        boolean wroteSeccomp = false;
        for (String id : enforcers(p, errors)) {
            if (id.equals("NetworkProxy")) {
                notes.add("NetworkProxy: not enforced by this agent");
                continue;
            }
            Enforcer e = plugins.enforcer(id).orElse(null);
            String problem = unavailable(id, e);
            if (problem != null) {
                errors.add(problem);
                continue;
            }
            String content = content(p, id);
            if (content == null) {
                errors.add(id + ": the ArmorProfile carries no " + id + " profile");
                continue;
            }
            EnforcerProfile ep = new EnforcerProfile(id, fileName(p.name(), id), content);
            if (id.equals("Seccomp")) {
                String err = seccomp.write(p.name(), content);
                if (err != null) {
                    errors.add(err);
                } else {
                    wroteSeccomp = true;
                }
            } else if (CONTAINER_SCOPED.contains(id)) {
                scoped.put(id, ep);
            } else {
                try {
                    handles.add(e.apply(ep, new TargetBinding(p.name(), 0, 0, 0, System.currentTimeMillis(), Map.of("scope", "node"))));
                } catch (EnforcementException | RuntimeException ex) {
                    errors.add(id + ": " + ex.getMessage());
                }
            }
        }
        if (previous != null) {
            previous.handles().forEach(NodeEnforcement::closeQuietly);
            if (previous.seccompWritten() && !wroteSeccomp) {
                seccomp.remove(previous.profile());
            }
        }
        return new Loaded(p.name(), handles, scoped, wroteSeccomp, errors, notes);
    }

    /** Unloads everything {@link #load} did (container bindings are released by the binder). */
    public void unload(Loaded l) {
        l.handles().forEach(NodeEnforcement::closeQuietly);
        if (l.seccompWritten()) {
            seccomp.remove(l.profile());
        }
    }

    /** Releases what node-scope enforcers loaded for {@code l} (AppArmor profiles). */
    public void releaseNodeProfiles(Loaded l) {
        l.handles().forEach(NodeEnforcement::closeQuietly);
    }

    /** Deletes the Seccomp file written for {@code l}. */
    public void removeSeccomp(Loaded l) {
        if (l.seccompWritten()) {
            seccomp.remove(l.profile());
        }
    }

    private static void closeQuietly(Enforcer.Applied a) {
        try {
            a.close();
        } catch (RuntimeException e) {
            // the profile may already be gone
        }
    }

    private Set<String> enforcers(Profile p, List<String> errors) {
        Set<String> known = new LinkedHashSet<>(EnforcerNames.VARMOR);
        plugins.enforcers().forEach(e -> known.add(e.id()));
        EnforcerNames.Result r = EnforcerNames.parse(p.enforcer(), known);
        if (r.unparsed().isPresent()) {
            errors.add("unknown enforcer \"" + r.unparsed().get() + "\" in the ArmorProfile");
        }
        return r.names();
    }

    /** Why {@code id} cannot be used on this node, or null. */
    String unavailable(String id, Enforcer e) {
        String hint = id.equals("BPF") ? " (" + BPF_HINT + ")" : "";
        if (e == null) {
            return id + ": no " + id + " enforcer plugin is installed in this agent" + hint;
        }
        if (enabled != null && enabled.stream().noneMatch(x -> x.equalsIgnoreCase(id))) {
            return id + ": the " + id + " enforcer has not been enabled on this agent" + hint;
        }
        Availability a = e.availability(caps);
        if (!a.available()) {
            String d = a.detail() == null ? "unavailable" : a.detail();
            return (d.toLowerCase(Locale.ROOT).startsWith(id.toLowerCase(Locale.ROOT)) ? d : id + ": " + d) + hint;
        }
        return null;
    }

    private static String content(Profile p, String id) {
        return switch (id) {
            case "AppArmor" -> p.appArmor();
            case "Seccomp" -> p.seccomp();
            case "BPF" -> p.bpf() == null ? null : Manifests.toJson(p.bpf());
            default -> null;
        };
    }

    private static String fileName(String profile, String id) {
        return switch (id) {
            case "AppArmor" -> profile + ".apparmor";
            case "Seccomp" -> profile + ".seccomp.json";
            case "BPF" -> profile + ".bpf.json";
            default -> profile + "." + id.toLowerCase(Locale.ROOT);
        };
    }
}
