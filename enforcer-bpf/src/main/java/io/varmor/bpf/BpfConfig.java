package io.varmor.bpf;

import io.varmor.bpf.kernel.Layout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Node-side settings of the BPF enforcer: where objects are pinned, table capacities (kernel map sizes, fixed when the
 * programs are loaded) and event limits. Every size can be raised; defaults are far above vArmor's (256 containers,
 * 64 rules per kind).
 *
 * @param pinRoot        bpffs directory for pinned maps and links
 * @param targets        bound mount namespaces (v_targets)
 * @param profiles       distinct profiles loaded at once (v_profiles)
 * @param pathNodes      trie nodes over all profiles (v_fwd and v_rev each)
 * @param pairs          prefix+suffix and file-name combinations (v_pair)
 * @param chains         distinct path components of chain rules (v_chain)
 * @param sockets        socket-rule keys (v_sock)
 * @param egress         destination CIDR nodes (v_egress)
 * @param mountClasses   mount rule classes (v_mclass)
 * @param ringBufferBytes ring buffer size (power of two)
 * @param eventsPerSecond events per second per namespace before the kernel drops (0: unlimited)
 * @param queueCapacity  events buffered between the ring buffer and the sinks
 */
public record BpfConfig(String pinRoot, int targets, int profiles, int pathNodes, int pairs, int chains, int sockets,
                        int egress, int mountClasses, int ringBufferBytes, int eventsPerSecond, int queueCapacity) {

    /** Defaults: 16,384 namespaces, 4,096 profiles, 4 MiB ring buffer, 1,000 events/s per namespace. */
    public static BpfConfig defaults() {
        return new BpfConfig("/sys/fs/bpf/varmor", 16384, 4096, 262144, 262144, 65536, 65536, 65536, 16384,
                4 << 20, 1000, 8192);
    }

    /**
     * Defaults overridden by system properties {@code varmor.bpf.pinRoot}, {@code varmor.bpf.targets},
     * {@code varmor.bpf.profiles}, {@code varmor.bpf.pathNodes}, {@code varmor.bpf.eventsPerSecond} (what the
     * ServiceLoader-created enforcer uses).
     */
    public static BpfConfig fromSystemProperties() {
        BpfConfig d = defaults();
        return new BpfConfig(System.getProperty("varmor.bpf.pinRoot", d.pinRoot()),
                Integer.getInteger("varmor.bpf.targets", d.targets()), Integer.getInteger("varmor.bpf.profiles", d.profiles()),
                Integer.getInteger("varmor.bpf.pathNodes", d.pathNodes()), d.pairs(), d.chains(), d.sockets(), d.egress(),
                d.mountClasses(), d.ringBufferBytes(), Integer.getInteger("varmor.bpf.eventsPerSecond", d.eventsPerSecond()),
                d.queueCapacity());
    }

    public BpfConfig withPinRoot(String root) {
        return new BpfConfig(root, targets, profiles, pathNodes, pairs, chains, sockets, egress, mountClasses,
                ringBufferBytes, eventsPerSecond, queueCapacity);
    }

    public BpfConfig withTargets(int n) {
        return new BpfConfig(pinRoot, n, profiles, pathNodes, pairs, chains, sockets, egress, mountClasses,
                ringBufferBytes, eventsPerSecond, queueCapacity);
    }

    public BpfConfig withEventsPerSecond(int n) {
        return new BpfConfig(pinRoot, targets, profiles, pathNodes, pairs, chains, sockets, egress, mountClasses,
                ringBufferBytes, n, queueCapacity);
    }

    /** Map sizes to apply before loading, by map name. */
    Map<String, Integer> mapSizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(Layout.TARGETS, targets);
        m.put(Layout.PROFILES, profiles);
        m.put(Layout.FWD, pathNodes);
        m.put(Layout.REV, pathNodes);
        m.put(Layout.PAIR, pairs);
        m.put(Layout.CHAIN, chains);
        m.put(Layout.SOCK, sockets);
        m.put(Layout.EGRESS, egress);
        m.put(Layout.MCLASS, mountClasses);
        m.put(Layout.EVENTS, ringBufferBytes);
        return m;
    }

    /** What a table holds, for "table full" messages. */
    static String unit(String map) {
        return switch (map) {
            case Layout.TARGETS -> "bound mount namespaces";
            case Layout.PROFILES -> "profiles";
            case Layout.FWD, Layout.REV -> "path trie nodes";
            case Layout.PAIR -> "prefix+suffix entries";
            case Layout.CHAIN -> "path components";
            case Layout.SOCK -> "socket rule keys";
            case Layout.EGRESS -> "destination CIDRs";
            case Layout.MCLASS -> "mount rule classes";
            default -> "entries";
        };
    }
}
