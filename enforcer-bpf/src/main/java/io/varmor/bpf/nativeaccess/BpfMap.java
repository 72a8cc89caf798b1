package io.varmor.bpf.nativeaccess;

import java.util.Optional;
import jnr.ffi.Pointer;

/** A map of a loaded {@link BpfObject}; keys and values are raw bytes in the kernel's (little-endian) layout. */
public final class BpfMap {
    /** Create or update. */
    public static final long ANY = 0;
    /** Create only. */
    public static final long NOEXIST = 1;
    /** Update only. */
    public static final long EXIST = 2;

    private final Pointer map;
    private final String name;

    BpfMap(Pointer map, String name) {
        this.map = map;
        this.name = name;
    }

    /** Map name. */
    public String name() {
        return name;
    }

    /** File descriptor ({@code bpf_map__fd}); negative before the object is loaded. */
    public int fd() {
        return Native.lib().bpf_map__fd(map);
    }

    /** Key size in bytes. */
    public int keySize() {
        return Native.lib().bpf_map__key_size(map);
    }

    /** Value size in bytes. */
    public int valueSize() {
        return Native.lib().bpf_map__value_size(map);
    }

    /** {@code bpf_map_update_elem}; sizes are checked against the map definition. */
    public void update(byte[] key, byte[] value, long flags) {
        checkSizes(key, value.length);
        int rc = Native.lib().bpf_map_update_elem(fd(), Native.copyIn(key), Native.copyIn(value), flags);
        if (rc < 0) {
            throw new BpfException("BPF_MAP_UPDATE_ELEM " + name, -rc);
        }
    }

    /** {@code bpf_map_lookup_elem}; empty when the key is absent (ENOENT). */
    public Optional<byte[]> lookup(byte[] key) {
        checkSizes(key, valueSize());
        Pointer v = Native.allocate(valueSize());
        int rc = Native.lib().bpf_map_lookup_elem(fd(), Native.copyIn(key), v);
        if (rc == -2) {
            return Optional.empty();
        }
        if (rc < 0) {
            throw new BpfException("BPF_MAP_LOOKUP_ELEM " + name, -rc);
        }
        byte[] out = new byte[valueSize()];
        v.get(0, out, 0, out.length);
        return Optional.of(out);
    }

    /** {@code bpf_map_delete_elem}; returns false when the key was absent. */
    public boolean delete(byte[] key) {
        checkSizes(key, valueSize());
        int rc = Native.lib().bpf_map_delete_elem(fd(), Native.copyIn(key));
        if (rc == -2) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("BPF_MAP_DELETE_ELEM " + name, -rc);
        }
        return true;
    }

    private void checkSizes(byte[] key, int valueLength) {
        if (key.length != keySize() || valueLength != valueSize()) {
            throw new IllegalArgumentException("map " + name + " wants key " + keySize() + " / value " + valueSize()
                    + " bytes, got " + key.length + " / " + valueLength);
        }
    }
}
