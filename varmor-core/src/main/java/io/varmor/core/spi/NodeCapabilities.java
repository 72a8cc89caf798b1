package io.varmor.core.spi;

import java.util.List;
import java.util.Map;

/**
 * What a node offers, as probed once and shared by all enforcers.
 *
 * @param kernelRelease {@code uname -r}
 * @param activeLsms contents of {@code /sys/kernel/security/lsm}
 * @param facts further probe results by key (e.g. {@code bpf.lsm.load} → {@code EPERM}), for enforcers and doctor
 */
public record NodeCapabilities(String kernelRelease, List<String> activeLsms, Map<String, String> facts) {
    public boolean lsmActive(String name) {
        return activeLsms.contains(name);
    }

    public String fact(String key) {
        return facts.getOrDefault(key, "");
    }
}
