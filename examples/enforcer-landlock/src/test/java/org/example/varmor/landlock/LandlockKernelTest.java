package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.PtracePerm;
import io.varmor.core.spi.EnforcerProfile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's rulesets applied by the real varmor-exec on this kernel: denials and allowed controls. */
class LandlockKernelTest {
    @TempDir
    Path tmp;
    private Path exe;
    private final LandlockEnforcer landlock = new LandlockEnforcer();

    @BeforeEach
    void setUp() throws Exception {
        VarmorExec.requireRootAndLandlock();
        exe = VarmorExec.extract(Files.createDirectories(tmp.resolve("bin")));
    }

    private List<String> launch(io.varmor.core.ir.IrRule... rules) throws Exception {
        EnforcerProfile profile = landlock.compile(Ir.policy(rules));
        return landlock.launchArguments(profile, Files.createDirectories(tmp.resolve("work")));
    }

    @Test
    void deniesWritesUnderTheDeniedHierarchyAndAllowsTheSiblings() throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("data/denied"));
        Files.createDirectories(root.resolve("data/allowed"));
        List<String> args = launch(Ir.file(root.resolve("data/denied") + "/**", FilePerm.WRITE, FilePerm.APPEND));
        VarmorExec.Run r = VarmorExec.run(exe, args, "cd " + root + "/data; echo ok > allowed/f && echo ALLOWED-OK; "
                + "echo no > denied/f || echo DENIED-OK; rm -rf denied || echo RMDIR-DENIED-OK; cat /etc/hostname >/dev/null && echo READ-OK");
        assertEquals(0, r.exit(), r.output());
        for (String s : List.of("ALLOWED-OK", "DENIED-OK", "RMDIR-DENIED-OK", "READ-OK")) {
            assertTrue(r.output().contains(s), s + " in " + r.output());
        }
        assertTrue(r.output().contains("Permission denied"), r.output());
        assertTrue(Files.exists(root.resolve("data/allowed/f")));
        assertTrue(Files.notExists(root.resolve("data/denied/f")));
    }

    @Test
    void deniesReadingAnExactFileButNotItsNeighbours() throws Exception {
        Path root = tmp.toRealPath();
        Files.writeString(root.resolve("secret"), "s");
        Files.writeString(root.resolve("public"), "p");
        List<String> args = launch(Ir.file(root.resolve("secret").toString(), FilePerm.READ));
        VarmorExec.Run r = VarmorExec.run(exe, args, "cat " + root + "/public; cat " + root + "/secret || echo SECRET-DENIED; ls " + root);
        assertTrue(r.output().startsWith("p"), r.output());
        assertTrue(r.output().contains("SECRET-DENIED"), r.output());
        assertTrue(r.output().contains("public"), "listing the directory stays allowed: " + r.output());
    }

    @Test
    void deniesTcpConnectToDeniedPortsOnly() throws Exception {
        try (ServerSocket denied = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             ServerSocket allowed = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<String> args = launch(Ir.connect(denied.getLocalPort(), denied.getLocalPort()));
            VarmorExec.Run r = VarmorExec.run(exe, args, "(exec 3<>/dev/tcp/127.0.0.1/" + allowed.getLocalPort() + ") && echo ALLOWED-OK; "
                    + "(exec 3<>/dev/tcp/127.0.0.1/" + denied.getLocalPort() + ") || echo DENIED-OK");
            assertTrue(r.output().contains("ALLOWED-OK") && r.output().contains("DENIED-OK"), r.output());
            assertTrue(r.output().contains("Permission denied"), r.output());
        }
    }

    @Test
    void deniesExecutingADeniedBinary() throws Exception {
        Path root = tmp.toRealPath();
        Path tool = Files.createDirectories(root.resolve("tools")).resolve("hello");
        Files.writeString(tool, "#!/bin/sh\necho HELLO\n");
        tool.toFile().setExecutable(true);
        List<String> args = launch(Ir.exec(root.resolve("tools") + "/**"));
        VarmorExec.Run r = VarmorExec.run(exe, args, tool + " || echo EXEC-DENIED; /bin/true && echo TRUE-OK");
        assertTrue(r.output().contains("EXEC-DENIED") && r.output().contains("TRUE-OK") && !r.output().contains("HELLO"), r.output());
    }

    @Test
    void isolatesTheSandboxFromProcessesOutsideIt() throws Exception {
        List<String> args = launch(Ir.ptrace(false, PtracePerm.READ));
        VarmorExec.Run r = VarmorExec.run(exe, args, "cat /proc/1/environ >/dev/null || echo PTRACE-DENIED; "
                + "cat /proc/self/environ >/dev/null && echo SELF-OK; echo x > " + tmp + "/w && echo WRITE-OK");
        assertTrue(r.output().contains("PTRACE-DENIED") && r.output().contains("SELF-OK") && r.output().contains("WRITE-OK"), r.output());
    }

    @Test
    void launcherAppliesScopesFromAHandWrittenRuleset() throws Exception {
        Path rules = Files.writeString(tmp.resolve("scope.rules"), "landlock 1\nscoped signal\n");
        VarmorExec.Run r = VarmorExec.run(exe, List.of("--landlock", rules.toString()),
                "kill -0 1 || echo SIGNAL-DENIED; kill -0 $$ && echo SELF-OK");
        assertTrue(r.output().contains("SIGNAL-DENIED") && r.output().contains("SELF-OK"), r.output());
    }

    @Test
    void launcherRejectsABadRulesetBeforeTheCommandRuns() throws Exception {
        Path rules = Files.writeString(tmp.resolve("bad.rules"), "landlock 1\nfs.handled write_file\npath write_fiel /tmp\n");
        VarmorExec.Run r = VarmorExec.run(exe, List.of("--landlock", rules.toString()), "echo RAN");
        assertEquals(125, r.exit(), r.output());
        assertTrue(r.output().contains("line 3: unknown right write_fiel"), r.output());
        assertTrue(!r.output().contains("RAN"), r.output());
    }
}
