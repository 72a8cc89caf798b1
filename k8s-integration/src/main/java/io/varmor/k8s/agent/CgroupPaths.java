package io.varmor.k8s.agent;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container and pod of a process from its {@code /proc/<pid>/cgroup}, for the layouts kubelet and the
 * runtimes create: systemd driver ({@code kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope},
 * {@code crio-<id>.scope}, {@code docker-<id>.scope}) and cgroupfs driver ({@code /kubepods/burstable/pod<uid>/<id>}),
 * cgroup v2 ({@code 0::…}) or v1 lines. CRI-O's {@code crio-conmon-<id>} monitor processes are not containers.
 */
public final class CgroupPaths {
    private static final Pattern CONTAINER = Pattern.compile("(?:^|/)(?:cri-containerd-|crio-|docker-|containerd-)?([0-9a-f]{64})(?:\\.scope)?$");
    private static final Pattern POD = Pattern.compile("pod([0-9a-fA-F]{8}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{4}[-_][0-9a-fA-F]{12})");

    private CgroupPaths() {}

    /** A process's container id (64 hex) and pod UID (may be null when the layout does not show it). */
    public record Ref(String containerId, String podUid) {}

    public static Optional<Ref> parse(String cgroupFile) {
        for (String line : cgroupFile.split("\n")) {
            int c = line.lastIndexOf(':');
            if (c < 0) {
                continue;
            }
            String path = line.substring(c + 1).trim();
            if (path.contains("crio-conmon-")) {
                return Optional.empty();
            }
            Matcher m = CONTAINER.matcher(path);
            if (m.find()) {
                Matcher p = POD.matcher(path);
                return Optional.of(new Ref(m.group(1), p.find() ? p.group(1).replace('_', '-').toLowerCase() : null));
            }
        }
        return Optional.empty();
    }
}
