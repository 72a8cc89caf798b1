package io.varmor.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Java side of {@code bpf/src/lab_smoke.bpf.c}, the minimal BPF LSM proof: {@code lsm/file_open} returns -EPERM
 * for one configured path, only inside the mount namespaces listed in {@code target_mntns}, and reports each
 * denial on the {@code events} ring buffer. Layout constants mirror the C structs.
 */
public final class LabSmoke {
    /** Classpath resource of the compiled CO-RE object. */
    public static final String RESOURCE = "/bpf/lab_smoke.bpf.o";
    /** The LSM program. */
    public static final String PROGRAM = "lab_file_open";
    /** HASH u32 mnt-ns inum -> u32 (any value): namespaces the deny applies to. */
    public static final String MAP_TARGET_MNTNS = "target_mntns";
    /** ARRAY[1] of char[256]: the full path to deny. */
    public static final String MAP_DENY_PATH = "deny_path";
    /** RINGBUF of {@link Event}. */
    public static final String MAP_EVENTS = "events";
    /** Path buffer size in the C structs. */
    public static final int PATH_MAX = 256;
    /** sizeof(struct lab_event). */
    public static final int EVENT_SIZE = 4 + 4 + 4 + 16 + PATH_MAX;

    private LabSmoke() {
    }

    /**
     * One denial.
     *
     * @param pid   tgid of the opener
     * @param mntNs mount-namespace inum of the opener
     * @param ret   value the hook returned (-1 = -EPERM)
     * @param comm  task comm
     * @param path  full path from {@code bpf_d_path}
     */
    public record Event(int pid, long mntNs, int ret, String comm, String path) {
        /** Decodes a ring-buffer record (little-endian {@code struct lab_event}). */
        public static Event parse(ByteBuffer b) {
            if (b.remaining() < EVENT_SIZE) {
                throw new IllegalArgumentException("short lab_event: " + b.remaining() + " bytes");
            }
            ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            int base = le.position();
            return new Event(le.getInt(base), Integer.toUnsignedLong(le.getInt(base + 4)), le.getInt(base + 8),
                    cString(le, base + 12, 16), cString(le, base + 28, PATH_MAX));
        }
    }

    /** The compiled object from the classpath. */
    public static byte[] objectBytes() {
        try (InputStream in = LabSmoke.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " not on the classpath (built by bpf/build.sh; skipped"
                        + " with -Dbpf.skip?)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Little-endian u32 key/value. */
    public static byte[] u32(long v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array();
    }

    /** NUL-padded {@code char[256]} value for {@link #MAP_DENY_PATH}. */
    public static byte[] pathValue(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= PATH_MAX) {
            throw new IllegalArgumentException("path longer than " + (PATH_MAX - 1) + " bytes: " + path);
        }
        byte[] v = new byte[PATH_MAX];
        System.arraycopy(p, 0, v, 0, p.length);
        return v;
    }

    private static String cString(ByteBuffer b, int off, int max) {
        int len = 0;
        while (len < max && b.get(off + len) != 0) {
            len++;
        }
        byte[] s = new byte[len];
        b.get(off, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
