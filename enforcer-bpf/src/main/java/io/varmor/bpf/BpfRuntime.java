package io.varmor.bpf;

import io.varmor.bpf.kernel.Entry;
import io.varmor.bpf.kernel.Layout;
import io.varmor.bpf.kernel.ProfileImage;
import io.varmor.bpf.kernel.TableException;
import io.varmor.bpf.nativeaccess.BpfException;
import io.varmor.bpf.nativeaccess.BpfLink;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.EventSink;
import io.varmor.core.spi.TargetBinding;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The loaded (or adopted) BPF LSM enforcer on this node: programs attached through pinned links, maps pinned under
 * {@code <pinRoot>/<version>/}, the profile registry and the bindings. A restarted agent finds the pinned links of its
 * version and adopts the maps instead of loading again, so enforcement never lapses. Thread-safe.
 */
public final class BpfRuntime implements AutoCloseable {
    /** Classpath resource of the enforcer object. */
    public static final String RESOURCE = "/bpf/varmor.bpf.o";
    /** Maps a profile's entries are keyed by (profile id at the given key offset, shifted by 8 for tries). */
    private static final Map<String, int[]> PROFILE_KEYED = Map.of(Layout.FWD, new int[] {4, 8}, Layout.REV,
            new int[] {4, 8}, Layout.PAIR, new int[] {0, 8}, Layout.CHAIN, new int[] {0, 8}, Layout.SOCK, new int[] {0, 0},
            Layout.EGRESS, new int[] {4, 0}, Layout.MCLASS, new int[] {0, 0});

    /** How this process got the programs: loaded them, or adopted what an earlier process pinned. */
    public enum Origin { LOADED, ADOPTED }

    private static final class Prof {
        final byte[] hash;
        /** The elements this process wrote (null when an earlier process loaded the profile). */
        List<Entry> entries;
        int refs;

        Prof(byte[] hash) {
            this.hash = hash;
        }
    }

    private final BpfConfig config;
    private final Path dir;
    private final Origin origin;
    private final Map<String, BpfMap> maps = new HashMap<>();
    private final List<BpfLink> links = new ArrayList<>();
    private final BpfObject object;
    private final Map<Integer, Prof> profiles = new HashMap<>();
    private final Map<Long, Integer> bindings = new HashMap<>();
    private final List<String> disks;
    private volatile EventPump pump;
    /**
     * Rule ids by profile id, read without this runtime's lock (the ring-buffer thread decodes events while another
     * thread may hold it, e.g. in {@link #close}). Kept after a profile is freed, so events still in the ring buffer
     * name their rule; replaced when the id is reused.
     */
    private final Map<Integer, List<String>> ruleIds = new java.util.concurrent.ConcurrentHashMap<>();

    private BpfRuntime(BpfConfig config, Path dir, Origin origin, BpfObject object) {
        this.config = config;
        this.dir = dir;
        this.origin = origin;
        this.object = object;
        this.disks = diskDevices();
    }

    /** The enforcer object bytes from the classpath. */
    public static byte[] objectBytes() {
        try (InputStream in = BpfRuntime.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath (built by bpf/build.sh; skipped"
                        + " with -Dbpf.skip?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pin directory of this object and configuration: {@code <pinRoot>/<12 hex digits>}. */
    public static Path versionDir(BpfConfig config, byte[] object) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(object);
            md.update(config.mapSizes().toString().getBytes(StandardCharsets.UTF_8));
            return Path.of(config.pinRoot(), HexFormat.of().formatHex(md.digest()).substring(0, 12));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Adopts the pinned enforcer of this version when all its links are pinned, else loads the object, attaches the
     * programs whose link is not pinned yet and pins links and maps.
     */
    public static BpfRuntime open(BpfConfig config) throws EnforcementException {
        byte[] bytes = objectBytes();
        Path dir = versionDir(config, bytes);
        try {
            Files.createDirectories(dir.resolve("maps"));
            Files.createDirectories(dir.resolve("links"));
        } catch (IOException e) {
            throw new EnforcementException("BPF: cannot create " + dir + " (is bpffs mounted at /sys/fs/bpf? mount -t bpf"
                    + " bpf /sys/fs/bpf): " + e.getMessage(), e);
        }
        BpfRuntime rt;
        try (BpfObject probe = BpfObject.openMem(bytes, "varmor")) {
            List<String> progs = probe.programNames();
            boolean allPinned = progs.stream().allMatch(p -> BpfLink.pinnedAt(dir.resolve("links").resolve(p).toString()));
            if (allPinned && Files.exists(dir.resolve("maps").resolve(Layout.TARGETS))) {
                rt = new BpfRuntime(config, dir, Origin.ADOPTED, null);
                for (String m : mapNames()) {
                    rt.maps.put(m, BpfMap.openPinned(dir.resolve("maps").resolve(m).toString()));
                }
            } else {
                rt = load(config, dir, bytes, progs);
            }
        } catch (BpfException e) {
            throw new EnforcementException("BPF: " + e.getMessage(), e);
        }
        try {
            rt.configure();
            rt.learn();
            rt.retireOldVersions();
        } catch (BpfException e) {
            rt.close();
            throw new EnforcementException("BPF: " + e.getMessage(), e);
        }
        return rt;
    }

    private static List<String> mapNames() {
        return List.of(Layout.TARGETS, Layout.PROFILES, Layout.FWD, Layout.REV, Layout.PAIR, Layout.CHAIN, Layout.SOCK,
                Layout.EGRESS, Layout.MCLASS, Layout.CONFIG, Layout.STATS, Layout.EVENTS, Layout.SEEN);
    }

    private static BpfRuntime load(BpfConfig config, Path dir, byte[] bytes, List<String> progs) {
        BpfObject obj = BpfObject.openMem(bytes, "varmor");
        try {
            config.mapSizes().forEach(obj::setMaxEntries);
            for (String m : mapNames()) {
                obj.setPinPath(m, dir.resolve("maps").resolve(m).toString());
            }
            obj.load();
            BpfRuntime rt = new BpfRuntime(config, dir, Origin.LOADED, obj);
            for (String m : mapNames()) {
                rt.maps.put(m, obj.map(m));
            }
            for (String p : progs) {
                String pin = dir.resolve("links").resolve(p).toString();
                if (BpfLink.pinnedAt(pin)) {
                    continue; // attached by an earlier process that stopped half-way: already enforcing
                }
                BpfLink l = obj.program(p).attachLsm();
                l.pin(pin);
                rt.links.add(l);
            }
            return rt;
        } catch (RuntimeException e) {
            obj.close();
            throw e;
        }
    }

    private void configure() {
        long host = 0;
        try {
            host = mntns(Path.of("/proc/1/ns/mnt"));
        } catch (IOException e) {
            // unknown: ptrace rules then also apply to the host's tracers
        }
        ByteBuffer v = ByteBuffer.allocate(Layout.CONFIG_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(0, config.eventsPerSecond()).putInt(4, (int) host);
        map(Layout.CONFIG).update(u32(0), v.array(), BpfMap.ANY);
    }

    /** Rebuilds the registry from the kernel (profiles and bindings an earlier process left). */
    private void learn() {
        BpfMap p = map(Layout.PROFILES);
        for (byte[] k : p.keys()) {
            p.lookup(k).ifPresent(v -> profiles.put(le(k, 0), new Prof(Arrays.copyOfRange(v, Layout.PR_HASH, Layout.PR_HASH + 16))));
        }
        BpfMap t = map(Layout.TARGETS);
        for (byte[] k : t.keys()) {
            t.lookup(k).ifPresent(v -> {
                int id = le(v, Layout.TG_PROFILE);
                bindings.put(Integer.toUnsignedLong(le(k, 0)), id);
                Prof pr = profiles.get(id);
                if (pr != null) {
                    pr.refs++;
                }
            });
        }
    }

    /**
     * Removes the pins of other versions (an upgrade) once no namespace is bound there any more; versions still
     * enforcing for someone stay until their last namespace goes (their programs keep running meanwhile).
     */
    private void retireOldVersions() {
        try (Stream<Path> s = Files.list(Path.of(config.pinRoot()))) {
            for (Path other : s.filter(p -> !p.equals(dir) && Files.isDirectory(p)).toList()) {
                Path targets = other.resolve("maps").resolve(Layout.TARGETS);
                boolean empty = true;
                if (Files.exists(targets)) {
                    try (BpfMap m = BpfMap.openPinned(targets.toString())) {
                        empty = m.keys().isEmpty();
                    } catch (BpfException e) {
                        empty = true;
                    }
                }
                if (empty) {
                    uninstall(other.toString());
                }
            }
        } catch (IOException e) {
            // nothing to retire
        }
    }

    /** Whether the programs were loaded by this process or adopted from pins. */
    public Origin origin() {
        return origin;
    }

    /** The pin directory in use. */
    public Path pinDir() {
        return dir;
    }

    BpfMap map(String name) {
        BpfMap m = maps.get(name);
        if (m == null) {
            throw new IllegalStateException("map " + name + " not open");
        }
        return m;
    }

    /**
     * Loads a profile's tables once per content (a second call with the same content returns the same id).
     *
     * @throws EnforcementException when it does not fit (naming the table and its capacity); nothing is left behind
     */
    public synchronized int ensureProfile(BpfTables tables, byte[] contentHash) throws EnforcementException {
        byte[] h16 = Arrays.copyOf(contentHash, 16);
        for (Map.Entry<Integer, Prof> e : profiles.entrySet()) {
            if (Arrays.equals(e.getValue().hash, h16)) {
                Prof p = e.getValue();
                if (p.entries == null) {
                    ProfileImage.Built b = build(e.getKey(), tables, contentHash);
                    p.entries = b.entries();
                    ruleIds.put(e.getKey(), b.rules());
                }
                return e.getKey();
            }
        }
        int id = 1;
        while (profiles.containsKey(id)) {
            id++;
        }
        if (profiles.size() >= config.profiles()) {
            throw new EnforcementException("BPF table " + Layout.PROFILES + " is full (capacity " + config.profiles()
                    + " profiles)");
        }
        ProfileImage.Built b = build(id, tables, contentHash);
        List<Entry> written = new ArrayList<>();
        try {
            for (Entry e : b.entries()) {
                write(e);
                written.add(e);
            }
            write(new Entry(Layout.PROFILES, u32(id), b.profileValue()));
        } catch (EnforcementException e) {
            for (Entry w : written) {
                deleteQuietly(w.map(), w.key());
            }
            throw e;
        }
        Prof p = new Prof(h16);
        ruleIds.put(id, b.rules());
        p.entries = b.entries();
        profiles.put(id, p);
        return id;
    }

    private ProfileImage.Built build(int id, BpfTables tables, byte[] hash) throws EnforcementException {
        try {
            return ProfileImage.build(id, tables, hash, disks);
        } catch (TableException e) {
            throw new EnforcementException("BPF profile " + tables.profile() + " does not fit the kernel tables: "
                    + e.getMessage(), e);
        }
    }

    private void write(Entry e) throws EnforcementException {
        try {
            map(e.map()).update(e.key(), e.value(), BpfMap.ANY);
        } catch (BpfException x) {
            throw full(e.map(), x);
        }
    }

    private EnforcementException full(String map, BpfException x) {
        if (x.errno() == 7 || x.errno() == 28 || x.errno() == 12) { // E2BIG, ENOSPC, ENOMEM
            return new EnforcementException("BPF table " + map + " is full (capacity " + map(map).maxEntries() + " "
                    + BpfConfig.unit(map) + "; raise it in the BPF enforcer configuration)", x);
        }
        return new EnforcementException("BPF: " + x.getMessage(), x);
    }

    /** Binds a mount namespace to a loaded profile (replacing any earlier binding atomically). */
    public synchronized void bind(long mntns, int profileId, TargetBinding target) throws EnforcementException {
        Prof p = profiles.get(profileId);
        if (p == null) {
            throw new IllegalArgumentException("no profile " + profileId);
        }
        ByteBuffer v = ByteBuffer.allocate(Layout.TARGET).order(ByteOrder.LITTLE_ENDIAN);
        v.putInt(Layout.TG_PROFILE, profileId);
        int flags = 0;
        for (String ip : podIps(target)) {
            try {
                byte[] a = InetAddress.getByName(ip).getAddress();
                if (a.length == 4) {
                    v.put(Layout.TG_POD4, a);
                    flags |= 1;
                } else {
                    v.put(Layout.TG_POD6, a);
                    flags |= 2;
                }
            } catch (IOException e) {
                throw new EnforcementException("BPF: bad pod IP \"" + ip + "\"");
            }
        }
        v.putInt(Layout.TG_FLAGS, flags);
        try {
            map(Layout.TARGETS).update(u32(mntns), v.array(), BpfMap.ANY);
        } catch (BpfException x) {
            if (p.refs <= 0) {
                free(profileId, p); // a failed apply leaves nothing behind
            }
            throw full(Layout.TARGETS, x);
        }
        Integer old = bindings.put(mntns, profileId);
        p.refs++;
        if (old != null) {
            release(old);
        }
    }

    private static List<String> podIps(TargetBinding t) {
        String s = t.attributes().getOrDefault("podIPs", t.attributes().getOrDefault("podIP", ""));
        List<String> out = new ArrayList<>();
        for (String ip : s.split("[,\\s]+")) {
            if (!ip.isBlank()) {
                out.add(ip.trim());
            }
        }
        return out;
    }

    /**
     * Delivers the events the kernel has queued so far (call before {@link #unbind}, and without holding this
     * runtime's lock: decoding an event looks up its profile's rule ids).
     */
    public void flushEvents() {
        EventPump p = pump;
        if (p != null) {
            p.flush();
        }
    }

    /** Unbinds a namespace if it is still bound to {@code profileId}; frees the profile when nothing uses it. */
    public synchronized void unbind(long mntns, int profileId) {
        Integer cur = bindings.get(mntns);
        if (cur == null || cur != profileId) {
            return;
        }
        deleteQuietly(Layout.TARGETS, u32(mntns));
        bindings.remove(mntns);
        release(profileId);
    }

    private void release(int id) {
        Prof p = profiles.get(id);
        if (p == null) {
            return;
        }
        p.refs--;
        if (p.refs <= 0) {
            free(id, p);
        }
    }

    private void free(int id, Prof p) {
        deleteQuietly(Layout.PROFILES, u32(id));
        if (p.entries != null) {
            for (Entry e : p.entries) {
                deleteQuietly(e.map(), e.key());
            }
        } else {
            deleteByProfile(id);
        }
        profiles.remove(id);
    }

    /** Deletes every element keyed by {@code id} (used for profiles an earlier process loaded). */
    private void deleteByProfile(int id) {
        PROFILE_KEYED.forEach((name, at) -> {
            BpfMap m = map(name);
            for (byte[] k : m.keys()) {
                if ((le(k, at[0]) >>> at[1]) == id) {
                    deleteQuietly(name, k);
                }
            }
        });
    }

    private void deleteQuietly(String map, byte[] key) {
        try {
            map(map).delete(key);
        } catch (BpfException e) {
            // gone already
        }
    }

    /** Removes bindings of namespaces no process lives in any more (their inode numbers get reused). */
    public synchronized int collectGarbage() {
        Set<Long> live = liveNamespaces();
        int n = 0;
        for (Map.Entry<Long, Integer> b : new ArrayList<>(bindings.entrySet())) {
            if (!live.contains(b.getKey())) {
                unbind(b.getKey(), b.getValue());
                n++;
            }
        }
        for (Map.Entry<Integer, Prof> p : new ArrayList<>(profiles.entrySet())) {
            if (p.getValue().refs <= 0) {
                free(p.getKey(), p.getValue());
            }
        }
        return n;
    }

    private static Set<Long> liveNamespaces() {
        Set<Long> out = new HashSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    out.add(mntns(p.resolve("ns/mnt")));
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Mount-namespace inode of a {@code /proc/<pid>/ns/mnt} link. */
    public static long mntns(Path nsLink) throws IOException {
        String l = Files.readSymbolicLink(nsLink).toString();
        return Long.parseLong(l.replaceAll("\\D", ""));
    }

    /**
     * Rule ids of a profile loaded by this process, also after it was freed (null when an earlier process loaded it
     * and nobody re-applied it yet). Lock-free: called by the ring-buffer thread.
     */
    List<String> rules(int profileId) {
        return ruleIds.get(profileId);
    }

    /** Number of namespaces currently bound. */
    public synchronized int boundCount() {
        return bindings.size();
    }

    /** Number of profiles currently loaded. */
    public synchronized int profileCount() {
        return profiles.size();
    }

    /**
     * Starts forwarding the events of a target's namespace to a sink. What a modelling namespace reported before (to an
     * earlier observer, or an earlier namespace with the same number) is forgotten first, so this observer hears of
     * every behaviour at least once.
     */
    public synchronized AutoCloseable watch(TargetBinding target, EventSink sink) {
        BpfMap seen = map(Layout.SEEN);
        for (byte[] k : seen.keys()) {
            if (Integer.toUnsignedLong(le(k, 0)) == target.mountNamespaceId()) {
                seen.delete(k);
            }
        }
        if (pump == null) {
            pump = new EventPump(map(Layout.EVENTS), this::rules, config.queueCapacity(), this::ringBufferDrops);
        }
        return pump.watch(target, sink);
    }

    /** The kernel's count of events the ring buffer had no room for (all CPUs); read without the runtime's lock. */
    long ringBufferDrops() {
        return kernelCounters()[1];
    }

    /** struct va_stats summed over the CPUs: events, ringbuf_drops, rate_drops, denials, unresolved. */
    private long[] kernelCounters() {
        byte[] v = map(Layout.STATS).lookup(u32(0)).orElse(new byte[0]);
        int slot = ((Layout.STATS_SIZE + 7) / 8) * 8;
        ByteBuffer b = ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN);
        long[] sum = new long[5];
        for (int cpu = 0; cpu + slot <= v.length; cpu += slot) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += b.getLong(cpu + 8 * i);
            }
        }
        return sum;
    }

    /** Kernel and delivery counters: events, drops (ring buffer full, rate limit, queue full), denials. */
    public synchronized Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        String[] names = {"events", "ringbufDrops", "rateDrops", "denials", "unresolvedPaths"};
        long[] counters = kernelCounters();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], counters[i]);
        }
        m.put("queueDrops", pump == null ? 0 : pump.dropped());
        m.put("delivered", pump == null ? 0 : pump.delivered());
        m.put("bound", (long) bindings.size());
        m.put("profiles", (long) profiles.size());
        return m;
    }

    /**
     * Detaches and removes everything varmor pinned under {@code pinRoot} (every version). Processes that still hold
     * descriptors keep their own references until they exit.
     */
    public static void uninstall(String pinRoot) throws IOException {
        Path root = Path.of(pinRoot);
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Releases this process's descriptors; pinned links keep enforcing. */
    @Override
    public synchronized void close() {
        if (pump != null) {
            pump.close();
            pump = null;
        }
        for (BpfLink l : links) {
            l.close();
        }
        links.clear();
        for (BpfMap m : maps.values()) {
            m.close();
        }
        maps.clear();
        if (object != null) {
            object.close();
        }
    }

    private static List<String> diskDevices() {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/partitions"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 4 && f[0].chars().allMatch(Character::isDigit)) {
                    out.add(f[3]);
                }
            }
        } catch (IOException e) {
            // no disks known: disk-device rules expand to nothing
        }
        return out;
    }

    static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) v).array();
    }

    static int le(byte[] a, int off) {
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }
}
