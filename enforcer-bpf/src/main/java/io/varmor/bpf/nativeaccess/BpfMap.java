package io.varmor.bpf.nativeaccess;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Pointer;

/**
 * A BPF map by file descriptor: one of a loaded {@link BpfObject}, or one opened from its bpffs pin with
 * {@link #openPinned}. Keys and values are raw bytes in the kernel's (little-endian) layout. Thread-safe (each call is
 * one bpf(2) syscall).
 */
public final class BpfMap implements AutoCloseable {
    /** Create or update. */
    public static final long ANY = 0;
    /** Create only. */
    public static final long NOEXIST = 1;
    /** Update only. */
    public static final long EXIST = 2;
    /** BPF_MAP_TYPE_PERCPU_ARRAY. */
    public static final int TYPE_PERCPU_ARRAY = 6;

    private final int fd;
    private final String name;
    private final int type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final boolean ownsFd;
    private volatile boolean closed;

    private BpfMap(int fd, String name, int type, int keySize, int valueSize, int maxEntries, boolean ownsFd) {
        this.fd = fd;
        this.name = name;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.ownsFd = ownsFd;
    }

    /** A map of a loaded object (the object owns the descriptor). */
    static BpfMap ofObject(Pointer map, String name) {
        int fd = Native.lib().bpf_map__fd(map);
        if (fd < 0) {
            throw new BpfException("bpf_map__fd " + name + " (object not loaded?)", -fd);
        }
        return info(fd, name, false);
    }

    /** {@code bpf_obj_get}: opens a pinned map; this handle owns the descriptor. */
    public static BpfMap openPinned(String path) {
        int fd = Native.lib().bpf_obj_get(path);
        if (fd < 0) {
            throw new BpfException("BPF_OBJ_GET " + path, Native.errno());
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        return info(fd, name, true);
    }

    private static BpfMap info(int fd, String name, boolean owns) {
        Pointer info = Native.allocate(96);
        Pointer len = Native.allocate(4);
        len.putInt(0, 96);
        int rc = Native.lib().bpf_obj_get_info_by_fd(fd, info, len);
        if (rc < 0) {
            if (owns) {
                Native.libc().close(fd);
            }
            throw new BpfException("BPF_OBJ_GET_INFO_BY_FD " + name, -rc);
        }
        return new BpfMap(fd, name, info.getInt(0), info.getInt(8), info.getInt(12), info.getInt(16), owns);
    }

    /** Map name. */
    public String name() {
        return name;
    }

    /** File descriptor. */
    public int fd() {
        return fd;
    }

    /** Key size in bytes. */
    public int keySize() {
        return keySize;
    }

    /** Value size in bytes (per CPU for per-CPU maps). */
    public int valueSize() {
        return valueSize;
    }

    /** Capacity. */
    public int maxEntries() {
        return maxEntries;
    }

    /** {@code BPF_OBJ_PIN} at a bpffs path. */
    public void pin(String path) {
        int rc = Native.lib().bpf_obj_pin(fd, path);
        if (rc < 0) {
            throw new BpfException("BPF_OBJ_PIN " + name + " at " + path, -rc);
        }
    }

    /** {@code bpf_map_update_elem}; sizes are checked against the map definition. */
    public void update(byte[] key, byte[] value, long flags) {
        checkSizes(key, value.length);
        int rc = Native.lib().bpf_map_update_elem(fd, Native.copyIn(key), Native.copyIn(value), flags);
        if (rc < 0) {
            throw new BpfException("BPF_MAP_UPDATE_ELEM " + name, -rc);
        }
    }

    /** {@code bpf_map_lookup_elem}; empty when the key is absent (ENOENT). */
    public Optional<byte[]> lookup(byte[] key) {
        checkSizes(key, valueSize);
        int size = type == TYPE_PERCPU_ARRAY ? perCpuSize() : valueSize;
        Pointer v = Native.allocate(size);
        int rc = Native.lib().bpf_map_lookup_elem(fd, Native.copyIn(key), v);
        if (rc == -2) {
            return Optional.empty();
        }
        if (rc < 0) {
            throw new BpfException("BPF_MAP_LOOKUP_ELEM " + name, -rc);
        }
        byte[] out = new byte[size];
        v.get(0, out, 0, out.length);
        return Optional.of(out);
    }

    private int perCpuSize() {
        return ((valueSize + 7) / 8) * 8 * Native.lib().libbpf_num_possible_cpus();
    }

    /** Number of possible CPUs (per-CPU values hold one slot each, 8-byte aligned). */
    public static int possibleCpus() {
        return Native.lib().libbpf_num_possible_cpus();
    }

    /** {@code bpf_map_delete_elem}; returns false when the key was absent. */
    public boolean delete(byte[] key) {
        checkSizes(key, valueSize);
        int rc = Native.lib().bpf_map_delete_elem(fd, Native.copyIn(key));
        if (rc == -2) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("BPF_MAP_DELETE_ELEM " + name, -rc);
        }
        return true;
    }

    /** Every key ({@code bpf_map_get_next_key}); a snapshot that may miss concurrent changes. */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>();
        Pointer cur = null;
        Pointer next = Native.allocate(keySize);
        while (true) {
            int rc = Native.lib().bpf_map_get_next_key(fd, cur, next);
            if (rc == -2) {
                return out;
            }
            if (rc < 0) {
                throw new BpfException("BPF_MAP_GET_NEXT_KEY " + name, -rc);
            }
            byte[] k = new byte[keySize];
            next.get(0, k, 0, keySize);
            out.add(k);
            if (out.size() > maxEntries + 16) {
                return out; // concurrent churn; bounded anyway
            }
            cur = Native.copyIn(k);
        }
    }

    private void checkSizes(byte[] key, int valueLength) {
        if (key.length != keySize || valueLength != valueSize) {
            throw new IllegalArgumentException("map " + name + " wants key " + keySize + " / value " + valueSize
                    + " bytes, got " + key.length + " / " + valueLength);
        }
    }

    /** Closes the descriptor when this handle owns it (pinned maps stay in bpffs). Idempotent. */
    @Override
    public void close() {
        if (ownsFd && !closed) {
            closed = true;
            Native.libc().close(fd);
        }
    }
}
