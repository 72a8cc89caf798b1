package io.varmor.k8s.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake node: {@code /proc}, the kubepods cgroup tree and containerd's bundles, under a temporary directory. */
final class FakeHost {
    final Path proc;
    final Path cgroup;
    final Path containerd;

    FakeHost(Path root) throws IOException {
        proc = Files.createDirectories(root.resolve("proc"));
        cgroup = Files.createDirectories(root.resolve("sys/fs/cgroup"));
        containerd = Files.createDirectories(root.resolve("run/containerd"));
        Files.createDirectories(cgroup.resolve("kubepods.slice"));
    }

    static String id(int n) {
        return String.format("%064x", n);
    }

    /** A host process outside any container. */
    void hostProcess(long pid) throws IOException {
        process(pid, "0::/system.slice/sshd.service\n", 4026531840L, 100);
    }

    /** A container process: cgroup (systemd driver), mount namespace and start time. */
    void containerProcess(long pid, String podUid, String containerId, long mntNs, long start) throws IOException {
        process(pid, "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + podUid.replace('-', '_')
                + ".slice/cri-containerd-" + containerId + ".scope\n", mntNs, start);
    }

    private void process(long pid, String cgroupLine, long mntNs, long start) throws IOException {
        Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(d.resolve("cgroup"), cgroupLine);
        Files.createDirectories(d.resolve("ns"));
        Files.createSymbolicLink(d.resolve("ns/mnt"), Path.of("mnt:[" + mntNs + "]"));
        Files.writeString(d.resolve("stat"), pid + " (my proc) S 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 " + start + " 1000 10 0\n");
    }

    /** containerd's bundle for a container (written before its process starts). */
    void bundle(String containerId, String podUid, String ns, String pod, String container, boolean sandbox) throws IOException {
        Path d = Files.createDirectories(containerd.resolve("io.containerd.runtime.v2.task/k8s.io").resolve(containerId));
        Files.writeString(d.resolve("config.json"), "{\"ociVersion\":\"1.1.0\",\"annotations\":{"
                + "\"io.kubernetes.cri.container-type\":\"" + (sandbox ? "sandbox" : "container") + "\","
                + "\"io.kubernetes.cri.container-name\":\"" + container + "\",\"io.kubernetes.cri.sandbox-uid\":\"" + podUid + "\","
                + "\"io.kubernetes.cri.sandbox-namespace\":\"" + ns + "\",\"io.kubernetes.cri.sandbox-name\":\"" + pod + "\","
                + "\"io.kubernetes.cri.image-name\":\"docker.io/library/busybox:1.36\"}}");
    }

    /** The container's cgroup appearing, with its first process (what the runtime does just before the process runs). */
    void cgroup(String podUid, String containerId, long pid) throws IOException {
        Path d = Files.createDirectories(cgroup.resolve("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
                + podUid.replace('-', '_') + ".slice/cri-containerd-" + containerId + ".scope"));
        Files.writeString(d.resolve("cgroup.procs"), pid + "\n");
    }

    void exit(long pid) throws IOException {
        try (var s = Files.walk(proc.resolve(Long.toString(pid)))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
