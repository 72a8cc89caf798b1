package io.varmor.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.varmor.bpf.nativeaccess.BpfException;
import io.varmor.bpf.nativeaccess.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LabSmokeEventTest {

    @Test
    void eventDecodesTheLittleEndianCStructLayout() {
        ByteBuffer b = ByteBuffer.allocate(LabSmoke.EVENT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(183).putInt((int) 4026532158L).putInt(-1);
        b.put(0 + 12, "cat".getBytes(StandardCharsets.UTF_8));
        b.put(28, "/tmp/x/secret.txt".getBytes(StandardCharsets.UTF_8));
        b.position(0);
        assertEquals(new LabSmoke.Event(183, 4026532158L, -1, "cat", "/tmp/x/secret.txt"), LabSmoke.Event.parse(b));
    }

    @Test
    void pathValueIsNulPaddedAndBounded() {
        byte[] v = LabSmoke.pathValue("/a");
        assertEquals(LabSmoke.PATH_MAX, v.length);
        assertEquals('a', v[1]);
        assertEquals(0, v[2]);
        assertThrows(IllegalArgumentException.class, () -> LabSmoke.pathValue("/" + "x".repeat(LabSmoke.PATH_MAX)));
    }

    @Test
    void bpfExceptionNamesCallAndErrno() {
        assertEquals("BPF_PROG_LOAD lsm/file_open: EPERM", new BpfException("BPF_PROG_LOAD lsm/file_open", 1).getMessage());
        assertEquals("ENOTSUPP", Errno.name(-524));
        assertEquals("errno 4711", Errno.name(4711));
    }
}
