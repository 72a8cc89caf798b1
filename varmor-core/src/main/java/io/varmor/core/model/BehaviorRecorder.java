package io.varmor.core.model;

import io.varmor.api.event.ViolationEvent;
import io.varmor.api.model.AppArmorNetworks;
import io.varmor.api.model.AppArmorResult;
import io.varmor.api.model.BpfMount;
import io.varmor.api.model.BpfNetwork;
import io.varmor.api.model.BpfPtrace;
import io.varmor.api.model.BpfResult;
import io.varmor.api.model.DynamicResult;
import io.varmor.api.model.Egress;
import io.varmor.api.model.FileAccess;
import io.varmor.api.model.PeerAccess;
import io.varmor.api.model.SignalAccess;
import io.varmor.api.model.SeccompResult;
import io.varmor.api.model.SocketUse;
import io.varmor.core.spi.Modeler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a target's behaviour from complain/log-mode events into vArmor's {@code dynamicResult} shape. Sets only
 * grow; {@link #converged} says whether nothing new has been seen for a window. Thread-safe.
 */
public final class BehaviorRecorder implements Modeler {
    private final SortedSet<String> syscalls = new TreeSet<>();
    private final SortedSet<String> executions = new TreeSet<>();
    private final SortedMap<String, SortedSet<String>> files = new TreeMap<>();
    private final SortedSet<String> capabilities = new TreeSet<>();
    private final SortedSet<String> sockets = new TreeSet<>();
    private final SortedMap<String, SortedSet<Integer>> egresses = new TreeMap<>();
    private final SortedSet<String> ptraces = new TreeSet<>();
    private final SortedSet<String> mounts = new TreeSet<>();
    private final SortedSet<String> aaProfiles = new TreeSet<>();
    private final SortedSet<String> aaExecutions = new TreeSet<>();
    private final SortedMap<String, SortedSet<String>> aaFiles = new TreeMap<>();
    private final SortedSet<String> aaCapabilities = new TreeSet<>();
    private final SortedSet<String> aaSockets = new TreeSet<>();
    private final SortedMap<String, SortedSet<String>> aaPtraces = new TreeMap<>();
    private final SortedMap<String, SortedSet<String>> aaSignals = new TreeMap<>();
    private final SortedSet<String> aaUnhandled = new TreeSet<>();
    private final AtomicLong events = new AtomicLong();
    private volatile long lastNewNanos = System.nanoTime();
    private final java.time.Duration window;

    public BehaviorRecorder(java.time.Duration convergenceWindow) {
        this.window = convergenceWindow;
    }

    @Override
    public String id() {
        return "varmor-recorder";
    }

    @Override
    public synchronized void accept(ViolationEvent e) {
        events.incrementAndGet();
        Map<String, Object> ev = e.event() == null ? Map.of() : e.event();
        boolean added = false;
        Object op = ev.get("operation");
        if ("AppArmor".equals(e.enforcer())) {
            added = appArmor(e.profileName(), ev);
        } else if (ev.get("syscall") != null) {
            added = syscalls.add(ev.get("syscall").toString());
        } else if ("Bprm".equals(op) || "Exec".equals(op)) {
            added = executions.add(String.valueOf(ev.get("path")));
        } else if ("File".equals(op)) {
            Collection<?> perms = ev.get("permissions") instanceof Collection<?> c ? c : List.of();
            boolean readOnly = perms.stream().allMatch(p -> p.toString().equals("read"));
            String path = PathGeneralizer.generalize(String.valueOf(ev.get("path")), readOnly);
            SortedSet<String> set = files.computeIfAbsent(path, k -> new TreeSet<>());
            for (Object p : perms) {
                added |= set.add(p.toString());
            }
        } else if ("Capability".equals(op)) {
            added = capabilities.add(String.valueOf(ev.get("capability")));
        } else if ("Network".equals(op)) {
            if (ev.get("address") instanceof Map<?, ?> a) {
                SortedSet<Integer> ports = egresses.computeIfAbsent(String.valueOf(a.get("ip")), k -> new TreeSet<>());
                added = a.get("port") instanceof Number n ? ports.add(n.intValue()) : ports.isEmpty() && ports.add(0);
            } else if (ev.get("socket") instanceof Map<?, ?> s) {
                added = sockets.add(s.get("domain") + "/" + s.get("type") + "/" + s.get("protocol"));
            }
        } else if ("Ptrace".equals(op)) {
            added = ptraces.add(ev.get("permission") + "/" + ev.get("external"));
        } else if ("Mount".equals(op)) {
            added = mounts.add(ev.get("path") + "|" + ev.get("type") + "|" + ev.get("flags"));
        }
        if (added) {
            lastNewNanos = System.nanoTime();
        }
    }

    /** File operations of AppArmor audit records (their requested masks say which permissions). */
    private static final Set<String> AA_FILE_OPS = Set.of("open", "mknod", "unlink", "rename_src", "rename_dest", "link",
            "symlink", "truncate", "chmod", "chown", "file_mmap", "file_lock", "file_perm", "file_receive", "file_inherit",
            "mkdir", "rmdir", "getattr", "setattr");

    /** An AppArmor complain (or audit) record, recorded in vArmor's {@code dynamicResult.appArmor} shape. */
    private boolean appArmor(String profile, Map<String, Object> ev) {
        String op = String.valueOf(ev.get("operation"));
        String name = ev.get("name") == null ? null : ev.get("name").toString();
        String mask = ev.get("requestedMask") == null ? "" : ev.get("requestedMask").toString();
        boolean added = profile != null && aaProfiles.add(profile);
        if (op.equals("exec") && name != null) {
            added |= aaExecutions.add(name);
        } else if (AA_FILE_OPS.contains(op) && name != null) {
            SortedSet<String> perms = new TreeSet<>();
            for (char c : mask.toCharArray()) {
                switch (c) {
                    case 'r' -> perms.add("r");
                    case 'w', 'c', 'd' -> perms.add("w");
                    case 'a' -> perms.add("a");
                    case 'm' -> perms.add("m");
                    case 'k' -> perms.add("k");
                    case 'l' -> perms.add("l");
                    default -> { }
                }
            }
            if (perms.contains("w")) {
                perms.remove("a"); // AppArmor rules take w or a, and w covers appending
            }
            boolean readOnly = perms.stream().allMatch(p -> p.equals("r") || p.equals("m"));
            SortedSet<String> set = aaFiles.computeIfAbsent(PathGeneralizer.generalize(name, readOnly), k -> new TreeSet<>());
            added |= set.addAll(perms);
            if (op.startsWith("rename") || op.equals("link")) {
                Object other = ev.get("name2");
                if (other != null) {
                    added |= aaFiles.computeIfAbsent(PathGeneralizer.generalize(other.toString(), false),
                            k -> new TreeSet<>()).add("w");
                }
            }
        } else if (op.equals("capable") && name != null) {
            added |= aaCapabilities.add(name);
        } else if (ev.get("netFamily") != null) {
            added |= aaSockets.add(ev.get("netFamily") + "/" + (ev.get("netSockType") == null ? "" : ev.get("netSockType"))
                    + "/" + (ev.get("netProtocol") == null ? "" : ev.get("netProtocol")));
        } else if (op.equals("ptrace")) {
            added |= aaPtraces.computeIfAbsent(String.valueOf(ev.get("peer")), k -> new TreeSet<>()).add(mask);
        } else if (op.equals("signal")) {
            added |= aaSignals.computeIfAbsent(ev.get("peer") + "|" + mask, k -> new TreeSet<>())
                    .add(String.valueOf(ev.get("signal")));
        } else {
            added |= aaUnhandled.add(op);
        }
        return added;
    }

    private AppArmorResult appArmorSnapshot() {
        if (aaProfiles.isEmpty() && aaExecutions.isEmpty() && aaFiles.isEmpty() && aaCapabilities.isEmpty()
                && aaSockets.isEmpty() && aaPtraces.isEmpty() && aaSignals.isEmpty() && aaUnhandled.isEmpty()) {
            return null;
        }
        List<FileAccess> fileList = new ArrayList<>();
        aaFiles.forEach((path, perms) -> fileList.add(new FileAccess(path, null, List.copyOf(perms), null)));
        List<SocketUse> socketList = new ArrayList<>();
        for (String s : aaSockets) {
            String[] f = s.split("/", -1);
            socketList.add(new SocketUse(f[0], f[1].isEmpty() ? null : f[1], f[2].isEmpty() ? null : f[2]));
        }
        List<PeerAccess> ptraceList = new ArrayList<>();
        aaPtraces.forEach((peer, perms) -> ptraceList.add(new PeerAccess(peer, List.copyOf(perms))));
        List<SignalAccess> signalList = new ArrayList<>();
        aaSignals.forEach((key, sigs) -> {
            String[] f = key.split("\\|", -1);
            signalList.add(new SignalAccess(f[0], List.of(f[1]), List.copyOf(sigs)));
        });
        return new AppArmorResult(List.copyOf(aaProfiles), List.copyOf(aaExecutions), fileList,
                List.copyOf(aaCapabilities), new AppArmorNetworks(socketList, List.of()), ptraceList, signalList,
                List.copyOf(aaUnhandled));
    }

    /** Adds syscalls observed by other means (e.g. a lossless per-namespace syscall bitmap); returns how many were new. */
    public synchronized int addSyscalls(Collection<String> names) {
        int added = 0;
        for (String n : names) {
            if (syscalls.add(n)) {
                added++;
                lastNewNanos = System.nanoTime();
            }
        }
        return added;
    }

    public long eventCount() {
        return events.get();
    }

    @Override
    public boolean converged() {
        return System.nanoTime() - lastNewNanos >= window.toNanos();
    }

    @Override
    public synchronized DynamicResult snapshot() {
        List<FileAccess> fileList = new ArrayList<>();
        files.forEach((path, perms) -> fileList.add(new FileAccess(path, null, List.copyOf(perms), null)));
        List<SocketUse> socketList = new ArrayList<>();
        for (String s : sockets) {
            String[] f = s.split("/", -1);
            socketList.add(new SocketUse(f[0], f[1], f[2]));
        }
        List<Egress> egressList = new ArrayList<>();
        egresses.forEach((ip, ports) -> egressList.add(new Egress(ip, ports.contains(0) ? List.of() : List.copyOf(ports))));
        List<BpfPtrace> ptraceList = new ArrayList<>();
        for (String p : ptraces) {
            String[] f = p.split("/", -1);
            ptraceList.add(new BpfPtrace(List.of(f[0]), Boolean.parseBoolean(f[1])));
        }
        List<BpfMount> mountList = new ArrayList<>();
        for (String m : mounts) {
            String[] f = m.split("\\|", -1);
            mountList.add(new BpfMount(f[0], f[1], List.of(f[2])));
        }
        BpfResult bpf = executions.isEmpty() && fileList.isEmpty() && capabilities.isEmpty() && socketList.isEmpty()
                && egressList.isEmpty() && ptraceList.isEmpty() && mountList.isEmpty() ? null
                : new BpfResult(List.copyOf(executions), fileList, List.copyOf(capabilities),
                        new BpfNetwork(socketList, egressList), ptraceList, mountList);
        SeccompResult seccomp = syscalls.isEmpty() ? null : new SeccompResult(List.copyOf(syscalls));
        return new DynamicResult(appArmorSnapshot(), bpf, seccomp);
    }

    /** Set-union of two results (replicas, nodes, runs). */
    public static DynamicResult merge(DynamicResult a, DynamicResult b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        SeccompResult sc = a.seccomp() == null ? b.seccomp() : b.seccomp() == null ? a.seccomp()
                : new SeccompResult(union(a.seccomp().syscalls(), b.seccomp().syscalls()));
        BpfResult bpf = a.bpf() == null ? b.bpf() : b.bpf() == null ? a.bpf() : mergeBpf(a.bpf(), b.bpf());
        AppArmorResult aa = a.appArmor() == null ? b.appArmor() : b.appArmor() == null ? a.appArmor() : new AppArmorResult(
                union(a.appArmor().profiles(), b.appArmor().profiles()), union(a.appArmor().executions(), b.appArmor().executions()),
                unionList(a.appArmor().files(), b.appArmor().files()), union(a.appArmor().capabilities(), b.appArmor().capabilities()),
                a.appArmor().networks() == null ? b.appArmor().networks() : b.appArmor().networks() == null ? a.appArmor().networks()
                        : new AppArmorNetworks(unionList(a.appArmor().networks().sockets(), b.appArmor().networks().sockets()),
                                unionList(a.appArmor().networks().egresses(), b.appArmor().networks().egresses())),
                unionList(a.appArmor().ptraces(), b.appArmor().ptraces()), unionList(a.appArmor().signals(), b.appArmor().signals()),
                union(a.appArmor().unhandled(), b.appArmor().unhandled()));
        return new DynamicResult(aa, bpf, sc);
    }

    private static BpfResult mergeBpf(BpfResult a, BpfResult b) {
        BpfRecorderFiles files = new BpfRecorderFiles();
        files.add(a.files());
        files.add(b.files());
        BpfNetwork na = a.network();
        BpfNetwork nb = b.network();
        BpfNetwork net = na == null ? nb : nb == null ? na : new BpfNetwork(unionList(na.sockets(), nb.sockets()), mergeEgress(na.egresses(), nb.egresses()));
        return new BpfResult(union(a.executions(), b.executions()), files.list(), union(a.capabilities(), b.capabilities()), net,
                unionList(a.ptraces(), b.ptraces()), unionList(a.mounts(), b.mounts()));
    }

    private static List<Egress> mergeEgress(List<Egress> a, List<Egress> b) {
        SortedMap<String, SortedSet<Integer>> m = new TreeMap<>();
        for (List<Egress> l : List.of(a == null ? List.<Egress>of() : a, b == null ? List.<Egress>of() : b)) {
            for (Egress e : l) {
                m.computeIfAbsent(e.ip(), k -> new TreeSet<>()).addAll(e.ports() == null ? List.of() : e.ports());
            }
        }
        List<Egress> out = new ArrayList<>();
        m.forEach((ip, ports) -> out.add(new Egress(ip, List.copyOf(ports))));
        return out;
    }

    /** Merges file accesses by path, uniting permissions. */
    private static final class BpfRecorderFiles {
        private final SortedMap<String, SortedSet<String>> byPath = new TreeMap<>();

        void add(List<FileAccess> files) {
            if (files != null) {
                for (FileAccess f : files) {
                    byPath.computeIfAbsent(f.path(), k -> new TreeSet<>()).addAll(f.permissions() == null ? List.of() : f.permissions());
                }
            }
        }

        List<FileAccess> list() {
            List<FileAccess> out = new ArrayList<>();
            byPath.forEach((p, perms) -> out.add(new FileAccess(p, null, List.copyOf(perms), null)));
            return out;
        }
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> s = new TreeSet<>();
        if (a != null) {
            s.addAll(a);
        }
        if (b != null) {
            s.addAll(b);
        }
        return List.copyOf(s);
    }

    private static <T> List<T> unionList(List<T> a, List<T> b) {
        Set<T> s = new java.util.LinkedHashSet<>();
        if (a != null) {
            s.addAll(a);
        }
        if (b != null) {
            s.addAll(b);
        }
        return List.copyOf(s);
    }
}
