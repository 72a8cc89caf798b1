package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesetWriterTest {
    @TempDir
    Path tmp;

    private static LandlockProfile.FsDeny deny(Path p, boolean beneath, Set<Access> rights) {
        return new LandlockProfile.FsDeny(p.toString(), beneath, rights, false, "r");
    }

    private static List<String> lines(String ruleset, String prefix) {
        return ruleset.lines().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    @Test
    void grantsEverySiblingAlongTheDeniedPathAndNothingOnTheWay() throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("a/denied/inner"));
        Files.createDirectories(root.resolve("a/allowed"));
        Files.writeString(root.resolve("a/file"), "x");
        Files.createSymbolicLink(root.resolve("a/link"), root.resolve("a/denied"));
        LandlockProfile p = new LandlockProfile(List.of(deny(root.resolve("a/denied"), true, Access.WRITE)), List.of(), List.of());
        String rs = RulesetWriter.write(p, null, "test");
        String write = Access.join(Access.WRITE);
        assertTrue(rs.contains("\nfs.handled " + write + "\n"), rs);
        assertTrue(rs.contains("\npath " + write + " " + root.resolve("a/allowed") + "\n"), rs);
        assertTrue(rs.contains("\npath " + write + " " + root.resolve("a/file") + "\n"), rs);
        for (String l : lines(rs, "path ")) {
            String path = l.substring(l.indexOf(' ', 5) + 1);
            assertFalse(path.startsWith(root.resolve("a/denied").toString()), l);
            assertFalse(path.equals(root.toString()) || path.equals(root.resolve("a").toString()) || path.equals("/"), l);
            assertFalse(path.equals(root.resolve("a/link").toString()), "symlinks are never granted: " + l);
        }
        assertTrue(rs.contains("\nlog off\n"));
    }

    @Test
    void resolvesSymlinksInDeniedPaths() throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("real/secret"));
        Files.createDirectories(root.resolve("real/other"));
        Files.createSymbolicLink(root.resolve("alias"), root.resolve("real"));
        LandlockProfile p = new LandlockProfile(List.of(deny(root.resolve("alias/secret"), true, EnumSet.of(Access.READ_FILE))),
                List.of(), List.of());
        String rs = RulesetWriter.write(p, null, "test");
        assertTrue(rs.contains(" " + root.resolve("real/other") + "\n"), rs);
        assertFalse(rs.contains(" " + root.resolve("real") + "\n"), rs);
    }

    @Test
    void referIsHandledAndGrantedWhereNothingDeniesIt() throws Exception {
        LandlockProfile p = new LandlockProfile(List.of(deny(Path.of("/etc/passwd"), false, EnumSet.of(Access.READ_FILE))),
                List.of(), List.of());
        String rs = RulesetWriter.write(p, null, "test");
        assertTrue(rs.contains("\nfs.handled read_file,refer\n"), rs);
        assertTrue(rs.contains("\npath refer /\n"), rs);
        assertTrue(rs.contains("\npath read_file /etc/hostname\n") || !Files.exists(Path.of("/etc/hostname")), rs);
        assertFalse(rs.contains("/etc/passwd\n"), rs);
    }

    @Test
    void ptraceAloneGetsADomainThatRestrictsNothingElse() throws Exception {
        LandlockProfile p = new LandlockProfile(List.of(), List.of(), List.of(new LandlockProfile.PtraceDeny(true, "ptrace")));
        assertEquals("# t\nlandlock 1\nfs.handled refer\nlog on\npath refer /\n", RulesetWriter.write(p, null, "t"));
    }

    @Test
    void deniedPortsBecomeTheComplementaryRanges() throws Exception {
        LandlockProfile p = new LandlockProfile(List.of(), List.of(new LandlockProfile.PortDeny(80, 80, false, "a"),
                new LandlockProfile.PortDeny(8000, 8080, false, "b"), new LandlockProfile.PortDeny(65535, 65535, false, "c")),
                List.of());
        String rs = RulesetWriter.write(p, null, "t");
        assertEquals(List.of("net.handled connect_tcp"), lines(rs, "net."));
        assertEquals(List.of("port connect_tcp 1-79", "port connect_tcp 81-7999", "port connect_tcp 8081-65534"), lines(rs, "port "));
        assertEquals(List.of(), lines(rs, "fs."));
    }

    @Test
    void allPortsDeniedGrantsNoPort() throws Exception {
        LandlockProfile p = new LandlockProfile(List.of(), List.of(new LandlockProfile.PortDeny(1, 65535, false, "a")), List.of());
        assertEquals(List.of(), lines(RulesetWriter.write(p, null, "t"), "port "));
    }

    @Test
    void keepsVarmorsRunDirectoryReadableForTheLauncher() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("run"));
        LandlockProfile p = new LandlockProfile(List.of(deny(tmp, true, EnumSet.of(Access.READ_FILE, Access.READ_DIR))),
                List.of(), List.of());
        String rs = RulesetWriter.write(p, work, "t");
        assertTrue(rs.contains("\npath read_file " + work.toRealPath() + "\n"), rs);
    }

    @Test
    void escapesAwkwardFileNames() throws Exception {
        Path root = tmp.toRealPath();
        Files.createDirectories(root.resolve("denied"));
        Files.writeString(root.resolve("with space\\and\nnewline"), "x");
        LandlockProfile p = new LandlockProfile(List.of(deny(root.resolve("denied"), true, EnumSet.of(Access.WRITE_FILE))),
                List.of(), List.of());
        String rs = RulesetWriter.write(p, null, "t");
        assertTrue(rs.contains(" " + root.resolve("with space\\134and\\012newline") + "\n"), rs);
        assertEquals(root.resolve("with space\\and\nnewline").toString(), Escapes.unescape(root.resolve("with space\\134and\\012newline").toString()));
    }
}
