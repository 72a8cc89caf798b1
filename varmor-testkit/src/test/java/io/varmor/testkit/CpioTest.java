package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioTest {

    @Test
    void newcArchiveHasAlignedHeadersAndTrailer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Cpio c = new Cpio(out);
        c.dir("bin");
        c.file("bin/hello", 0755, "hi\n".getBytes(StandardCharsets.UTF_8));
        c.finish();
        byte[] b = out.toByteArray();
        assertEquals(0, b.length % 4);
        String s = new String(b, StandardCharsets.US_ASCII);
        assertTrue(s.startsWith("070701"));
        assertTrue(s.contains("TRAILER!!!"));
    }

    @Test
    void busyboxCpioExtractsWhatWeWrite(@TempDir Path dir) throws Exception {
        Path bb = KernelCache.BUSYBOX;
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bb), "no busybox");
        Path archive = dir.resolve("a.cpio");
        try (var os = Files.newOutputStream(archive)) {
            Cpio c = new Cpio(os);
            c.dir("d");
            c.file("d/f.txt", 0644, "payload".getBytes(StandardCharsets.UTF_8));
            c.file("x", 0755, new byte[] {1, 2, 3});
            c.finish();
        }
        Path x = Files.createDirectory(dir.resolve("x"));
        Process p = new ProcessBuilder(bb.toString(), "cpio", "-i", "-d", "-F", archive.toString()).directory(x.toFile())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals("payload", Files.readString(x.resolve("d/f.txt")));
        assertEquals(3, Files.size(x.resolve("x")));
        assertTrue(Files.isExecutable(x.resolve("x")));
    }
}
