package io.varmor.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Minimal writer of the "newc" cpio format the kernel unpacks as initramfs (no external cpio needed). */
final class Cpio {
    private final OutputStream out;
    private long written;
    private int ino = 1;

    Cpio(OutputStream out) {
        this.out = out;
    }

    void dir(String name) throws IOException {
        entry(name, 0040755, 0, 0, new byte[0]);
    }

    void file(String name, int perm, byte[] data) throws IOException {
        entry(name, 0100000 | perm, 0, 0, data);
    }

    void charDevice(String name, int perm, int major, int minor) throws IOException {
        entry(name, 0020000 | perm, major, minor, new byte[0]);
    }

    /** Writes the trailer; the caller closes the stream. */
    void finish() throws IOException {
        entry("TRAILER!!!", 0, 0, 0, new byte[0]);
    }

    private void entry(String name, int mode, int rdevMajor, int rdevMinor, byte[] data) throws IOException {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes("070701".getBytes(StandardCharsets.US_ASCII));
        boolean trailer = name.equals("TRAILER!!!");
        long[] fields = {trailer ? 0 : ino++, mode, 0, 0, (mode & 0170000) == 0040000 ? 2 : 1, 0, data.length, 0, 0,
                rdevMajor, rdevMinor, n.length, 0};
        for (long f : fields) {
            h.writeBytes(String.format("%08x", f).getBytes(StandardCharsets.US_ASCII));
        }
        h.writeBytes(n);
        write(h.toByteArray());
        pad();
        write(data);
        pad();
    }

    private void write(byte[] b) throws IOException {
        out.write(b);
        written += b.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            write(new byte[1]);
        }
    }
}
