package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The guest command loop: results, environment, sharing, read-only host root, timeouts. One shared boot. */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class LabCommandLoopInLabTest {
    private static final Duration T = Duration.ofSeconds(60);
    private static final Path CWD = Path.of("").toAbsolutePath();

    @Test
    void exitCodeStdoutStderrCwdAndEnvironmentAreReported(Lab lab) {
        Result r = lab.run(GuestCommand.shell("pwd; echo \"$GREETING\"; echo oops >&2; exit 7").cwd(CWD)
                .env("GREETING", "it's me").timeout(T));
        assertEquals(7, r.exitCode(), r::describe);
        assertEquals(CWD + "\nit's me\n", r.stdout());
        assertEquals("oops\n", r.stderr());
        assertEquals(false, r.timedOut());
    }

    @Test
    void hostRootIsReadOnlyWhileTmpAndTheShareAreWritable(Lab lab) throws Exception {
        Result ro = lab.run("touch /usr/varmor-lab-probe", T, CWD);
        assertTrue(ro.stderr().contains("Read-only file system"), ro::describe);
        Path f = lab.shareDir().resolve("from-guest.txt");
        Path cow = Path.of("/tmp", "varmor-lab-cow-" + System.nanoTime());
        Result rw = lab.run("echo shared > " + f + " && touch " + cow + " /run/x && test -d " + lab.shareDir(), T, CWD);
        assertEquals(0, rw.exitCode(), rw::describe);
        assertEquals("shared\n", Files.readString(f));
        assertTrue(!Files.exists(cow), "guest writes to /tmp stay in the guest (copy-on-write overlay)");
    }

    @Test
    void timedOutCommandIsKilledWithItsChildrenAndTheLabStaysUsable(Lab lab) {
        Result r = lab.run("sleep 301 & echo started; wait", Duration.ofSeconds(2), CWD);
        assertTrue(r.timedOut(), r::describe);
        assertEquals(137, r.exitCode(), r::describe);
        assertEquals("started\n", r.stdout());
        Result left = lab.run("for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done 2>/dev/null"
                + " | grep -c '^sleep 301 $'", T, CWD);
        assertEquals("0", left.stdout().trim(), "the child sleep was killed with its process group");
    }

    @Test
    void outputIsStreamedWhileTheCommandRuns(Lab lab) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Result r = lab.run(GuestCommand.argv(List.of("sh", "-c", "echo a; sleep 0.3; echo b; echo e >&2"))
                .streamTo(out, err).timeout(T));
        assertEquals(0, r.exitCode());
        assertEquals("a\nb\n", out.toString());
        assertEquals("e\n", err.toString());
    }

    @Test
    void hostClasspathJavaMainRunsInTheGuestKernel(Lab lab) {
        Result r = lab.run(GuestJava.argv(GuestHello.class, "x", "y"), Duration.ofMinutes(2), CWD);
        assertEquals(0, r.exitCode(), r::describe);
        assertEquals("hello x,y from " + lab.kernelRelease(), r.stdout().trim());
    }
}
