package io.varmor.core.engine;

import io.varmor.core.spi.NodeCapabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a node offers from procfs, sysfs and securityfs. Cheap and side-effect free (it never loads anything;
 * enforcers that must try a load to know, such as BPF LSM, do so in their {@code availability}).
 */
public final class NodeProbe {
    private final Path root;

    public NodeProbe() {
        this(Path.of("/"));
    }

    /** Probes a different root (tests). */
    public NodeProbe(Path root) {
        this.root = root;
    }

    /**
     * Mounts securityfs and bpffs when they are missing (as a node agent does at start-up); needs root. Returns what
     * it mounted, for the caller to report.
     */
    public List<String> mountMissingFilesystems() {
        List<String> done = new ArrayList<>();
        if (!root.equals(Path.of("/"))) {
            return done;
        }
        if (!mounted("/sys/kernel/security", "securityfs") && Files.isDirectory(Path.of("/sys/kernel/security"))
                && exec("mount", "-t", "securityfs", "securityfs", "/sys/kernel/security")) {
            done.add("securityfs on /sys/kernel/security");
        }
        if (!mounted("/sys/fs/bpf", "bpf") && Files.isDirectory(Path.of("/sys/fs/bpf"))
                && exec("mount", "-t", "bpf", "bpf", "/sys/fs/bpf")) {
            done.add("bpffs on /sys/fs/bpf");
        }
        return done;
    }

    private static boolean exec(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public NodeCapabilities probe() {
        Map<String, String> f = new LinkedHashMap<>();
        String release = read("proc/sys/kernel/osrelease").trim();
        String lsm = read("sys/kernel/security/lsm").trim();
        if (lsm.isEmpty() && !Files.exists(root.resolve("sys/kernel/security/lsm"))) {
            f.put("securityfs", Files.exists(root.resolve("sys/kernel/security")) ? "not mounted (mount -t securityfs securityfs /sys/kernel/security)" : "absent");
        } else {
            f.put("securityfs", "mounted");
        }
        List<String> lsms = lsm.isEmpty() ? List.of() : Arrays.asList(lsm.split(","));
        String seccompActions = read("proc/sys/kernel/seccomp/actions_avail").trim();
        f.put("seccomp.actions", seccompActions);
        f.put("seccomp", seccompActions.isEmpty() ? "absent (kernel without CONFIG_SECCOMP_FILTER)" : "available");
        String aa = read("sys/module/apparmor/parameters/enabled").trim();
        f.put("apparmor", aa.equals("Y") ? "enabled" : aa.isEmpty() ? "not in the kernel" : "disabled (apparmor=0 on the kernel command line)");
        f.put("btf", Files.exists(root.resolve("sys/kernel/btf/vmlinux")) ? "available" : "absent (/sys/kernel/btf/vmlinux)");
        f.put("bpffs", mounted("/sys/fs/bpf", "bpf") ? "mounted" : "not mounted at /sys/fs/bpf");
        f.put("cgroup", mounted("/sys/fs/cgroup", "cgroup2") ? "v2" : mounted("/sys/fs/cgroup/unified", "cgroup2") ? "hybrid (v1 + v2 at /sys/fs/cgroup/unified)" : "v1");
        f.put("landlock", lsms.contains("landlock") ? "active" : "inactive");
        List<String> runtimes = new ArrayList<>();
        for (String rt : List.of("runc", "crun", "containerd", "dockerd", "crio")) {
            if (onPath(rt)) {
                runtimes.add(rt);
            }
        }
        f.put("runtimes", runtimes.isEmpty() ? "none found" : String.join(", ", runtimes));
        return new NodeCapabilities(release.isEmpty() ? "unknown" : release, lsms, f);
    }

    private boolean onPath(String exe) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    private boolean mounted(String target, String fstype) {
        for (String line : read("proc/self/mounts").split("\n")) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[1].equals(target) && f[2].equals(fstype)) {
                return true;
            }
        }
        return false;
    }

    private String read(String rel) {
        try {
            return Files.readString(root.resolve(rel));
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
