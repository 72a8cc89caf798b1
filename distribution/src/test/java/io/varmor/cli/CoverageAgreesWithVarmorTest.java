package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.catalog.Coverage;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Derived coverage agrees with spec §4 wherever the corresponding enforcer is installed. */
class CoverageAgreesWithVarmorTest {
    @Test
    void noRuleIsCoveredByFewerEnforcersThanInVarmor() {
        Plugins plugins = Plugins.discover();
        Set<String> installed = plugins.enforcers().stream().map(Enforcer::id).collect(Collectors.toSet());
        List<String> below = Coverage.table(plugins.catalog(), plugins.enforcers()).stream()
                .filter(r -> !r.belowVarmor().isEmpty())
                .map(r -> r.rule().id() + " not covered by " + r.belowVarmor() + ": "
                        + r.belowVarmor().stream().map(e -> r.byEnforcer().get(e).reason()).toList())
                .toList();
        assertTrue(below.isEmpty(), "installed " + installed + "; below vArmor: " + String.join("\n", below));
    }

    @Test
    void theCatalogueHoldsEveryVarmorRuleIdAndAlias() {
        Plugins plugins = Plugins.discover();
        for (String id : List.of("disallow-write-core-pattern", "disallow-mount-securityfs", "disallow-mount-procfs",
                "disallow-write-release-agent", "disallow-mount-cgroupfs", "disallow-debug-disk-device",
                "disallow-mount-disk-device", "disallow-mount", "disallow-umount", "disallow-insmod", "disallow-load-bpf-prog",
                "disallow-load-ebpf", "disallow-access-procfs-root", "disallow-access-kallsyms", "disable-cap-all",
                "disable-cap-all-except-net-bind-service", "disable-cap-privileged", "disallow-abuse-user-ns",
                "disallow-create-user-ns", "disallow-load-all-bpf-prog", "disallow-load-bpf-via-setsockopt",
                "disallow-userfaultfd-creation", "mitigate-sa-leak", "mitigate-disk-device-number-leak",
                "mitigate-overlayfs-leak", "mitigate-host-ip-leak", "block-access-to-metadata-service",
                "disallow-metadata-service", "block-access-to-aws-metadata-service", "block-access-to-volc-metadata-service",
                "block-access-to-alibaba-metadata-service", "block-access-to-oci-metadata-service", "disable-write-etc",
                "disable-access-passwd", "disable-access-shadow", "disable-access-ssh-dir", "disable-write-skills",
                "disable-busybox", "disable-shell", "disable-wget", "disable-curl", "disable-chmod", "disable-su-sudo",
                "disable-chmod-x-bit", "disable-chmod-s-bit", "disable-network", "disable-inet", "disable-ipv4",
                "disable-inet6", "disable-ipv6", "disable-unix-domain-socket", "disable-icmp", "disable-tcp", "disable-udp",
                "block-access-to-kube-apiserver", "block-access-to-container-runtime", "cgroups-lxcfs-escape-mitigation",
                "runc-override-mitigation", "dirty-pipe-mitigation", "ingress-nightmare-mitigation", "copy-fail-mitigation",
                "DISABLE_CAP_NET_RAW")) {
            assertTrue(plugins.catalog().find(id).isPresent(), id);
        }
        long caps = plugins.catalog().all().stream().filter(d -> d.id().startsWith("disable-cap-")).count();
        assertEquals(41 + 3, caps, "41 single capabilities plus all, all-except-net-bind-service, privileged");
    }
}
