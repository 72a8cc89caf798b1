package io.varmor.seccomp;

import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.NodeCapabilities;
import io.varmor.core.spi.TargetBinding;
import io.varmor.seccomp.nativeaccess.SeccompFilterBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The Seccomp enforcer: syscall filters in the OCI/Kubernetes profile format. */
public final class SeccompEnforcer implements Enforcer {
    /** Metadata key: apply {@link LocalRuntimeDefault} in local mode instead of the profile's cluster form. */
    static final String LOCAL_RUNTIME_DEFAULT = "localRuntimeDefault";

    @Override
    public String id() {
        return "Seccomp";
    }

    @Override
    public Set<Primitive> primitives() {
        return EnumSet.of(Primitive.SYSCALL, Primitive.USERNS_CREATE, Primitive.IO_URING, Primitive.RAW_SECCOMP);
    }

    @Override
    public Optional<String> cannotEnforce(IrRule rule) {
        if (!primitives().contains(rule.primitive())) {
            return Enforcer.super.cannotEnforce(rule);
        }
        if (!rule.targets().isEmpty()) {
            return Optional.of("Seccomp cannot scope rules to executables");
        }
        return Optional.empty();
    }

    @Override
    public EnforcerProfile compile(PolicyIR ir) {
        java.util.Map<String, String> meta = new java.util.TreeMap<>(SeccompCompiler.ruleOrigins(ir));
        if (ir.mode() == io.varmor.core.ir.Mode.RUNTIME_DEFAULT) {
            // In a cluster the pod gets type RuntimeDefault from its runtime; locally varmor supplies the equivalent.
            meta.put(LOCAL_RUNTIME_DEFAULT, "true");
            meta.put("*", "runtime-default");
        }
        return new EnforcerProfile(id(), ir.profileName() + ".seccomp.json", SeccompCompiler.toJson(SeccompCompiler.compile(ir)),
                meta);
    }

    @Override
    public Availability availability(NodeCapabilities node) {
        if (!"available".equals(node.fact("seccomp"))) {
            return Availability.unavailable("Seccomp: " + node.fact("seccomp"));
        }
        String lib = SeccompFilterBuilder.probe();
        if (!lib.isEmpty()) {
            return Availability.unavailable("Seccomp: " + lib + " (apt-get install libseccomp2)");
        }
        return Availability.available("Seccomp: filters built with libseccomp, installed by varmor-exec before the target executes");
    }

    @Override
    public List<String> launchArguments(EnforcerProfile profile, Path workDir) throws EnforcementException {
        originsByProfile.put(profile.fileName().replace(".seccomp.json", ""), profile.metadata());
        SeccompProfile p = profile.metadata().containsKey(LOCAL_RUNTIME_DEFAULT) ? LocalRuntimeDefault.profile()
                : SeccompCompiler.parseCustom(profile.content());
        Path filter = workDir.resolve("seccomp.bpf");
        try {
            SeccompFilterBuilder.export(p, filter);
        } catch (RuntimeException e) {
            throw new EnforcementException("Seccomp: cannot build the filter: " + e.getMessage(), e);
        }
        return List.of("--seccomp", filter.toString(), "--seccomp-log");
    }

    @Override
    public AutoCloseable observe(TargetBinding target, EventSink sink) {
        if (!Files.isReadable(Path.of("/dev/kmsg"))) {
            return () -> {};
        }
        return new SeccompAuditReader(target, sink, new java.util.HashMap<>(origins(target)));
    }

    private final java.util.Map<String, java.util.Map<String, String>> originsByProfile = new java.util.concurrent.ConcurrentHashMap<>();

    private java.util.Map<String, String> origins(TargetBinding target) {
        return originsByProfile.getOrDefault(target.profileName(), java.util.Map.of());
    }
}
