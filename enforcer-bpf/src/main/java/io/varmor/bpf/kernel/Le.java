package io.varmor.bpf.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Little-endian fixed-size struct builder (the kernel's byte order on the supported architectures). */
final class Le {
    private final ByteBuffer b;

    Le(int size) {
        b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    Le u8(int off, int v) {
        b.put(off, (byte) v);
        return this;
    }

    Le u16(int off, int v) {
        b.putShort(off, (short) v);
        return this;
    }

    Le u32(int off, long v) {
        b.putInt(off, (int) v);
        return this;
    }

    Le u64(int off, long v) {
        b.putLong(off, v);
        return this;
    }

    Le bytes(int off, byte[] v) {
        b.put(off, v);
        return this;
    }

    byte[] array() {
        return b.array();
    }

    static int u32(byte[] a, int off) {
        return ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }
}
