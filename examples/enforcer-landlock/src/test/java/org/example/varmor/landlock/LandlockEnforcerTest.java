package org.example.varmor.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Disposition;
import io.varmor.core.ir.FilePerm;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.Mode;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.ir.Primitive;
import io.varmor.core.ir.PtracePerm;
import io.varmor.core.spi.Availability;
import io.varmor.core.spi.NodeCapabilities;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LandlockEnforcerTest {
    private final LandlockEnforcer landlock = new LandlockEnforcer(() -> new AbiProbe.Result(7, 0));

    private String why(IrRule rule) {
        Optional<String> r = landlock.cannotEnforce(rule);
        assertTrue(r.isPresent(), "expected " + rule + " to be refused");
        return r.get();
    }

    @Test
    void declaresFilesExecConnectAndPtraceOnly() {
        assertEquals(EnumSet.of(Primitive.FILE, Primitive.EXEC, Primitive.CONNECT, Primitive.PTRACE), landlock.primitives());
        assertEquals("Landlock has no syscall primitive",
                why(new IrRule.Syscall(List.of("splice"), List.of(), Disposition.DENY, "x", List.of())));
    }

    @Test
    void enforcesExactPathsAndWholeHierarchies() {
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.file("/etc/shadow", FilePerm.READ, FilePerm.WRITE, FilePerm.APPEND)));
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.file("/etc/**", FilePerm.WRITE, FilePerm.APPEND, FilePerm.LINK)));
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.file("/**", FilePerm.READ)));
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.exec("/usr/bin/curl")));
    }

    @Test
    void refusesWildcardsInsideAPathWithTheReason() {
        assertEquals("Landlock grants rights by hierarchy: \"/**/.ssh/**\" is neither an exact path nor DIR/** "
                + "(wildcards inside a path are not expressible)", why(Ir.file("/**/.ssh/**", FilePerm.READ)));
        assertTrue(why(Ir.file("/proc/**/mountinfo", FilePerm.READ)).contains("by hierarchy"));
        assertTrue(why(Ir.file("/etc/pass**", FilePerm.READ)).contains("by hierarchy"));
        assertTrue(why(Ir.exec("**/sh")).contains("by hierarchy"));
    }

    @Test
    void refusesVariablesAndNonCanonicalPaths() {
        assertTrue(why(Ir.file("/dev/@{varmor_disk_devices}", FilePerm.READ)).contains("AppArmor variables"));
        assertTrue(why(Ir.file("/tmp/../etc/passwd", FilePerm.READ)).contains("canonical"));
        assertTrue(why(Ir.file("relative/path", FilePerm.READ)).contains("canonical"));
    }

    @Test
    void refusesAppendOrLinkWithoutWrite() {
        assertEquals("Landlock cannot tell appending from writing: append without write is not expressible",
                why(Ir.file("/var/log/x", FilePerm.APPEND)));
        assertTrue(why(Ir.file("/var/log/x", FilePerm.LINK)).contains("link without write"));
    }

    @Test
    void refusesAuditOnlyRulesAndExecutableScoping() {
        assertTrue(why(Ir.file(Disposition.AUDIT, "/etc/passwd", FilePerm.READ)).contains("audit without deny"));
        IrRule scoped = new IrRule.File(io.varmor.core.ir.PathPattern.of("/etc/passwd"), EnumSet.of(FilePerm.READ),
                Disposition.DENY, "x", List.of("/usr/bin/cat"));
        assertTrue(why(scoped).contains("scope rules to executables"));
    }

    @Test
    void refusesConnectRulesWithDestinations() {
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.connect(80, 80)));
        IrRule cidr = new IrRule.Connect("169.254.169.254/32", false, null, List.of(), Disposition.DENY, "m", List.of());
        assertEquals("Landlock restricts TCP ports, not destinations: connecting to 169.254.169.254/32 is not expressible", why(cidr));
        assertTrue(why(new IrRule.Connect(null, false, "default/kubernetes", List.of(), Disposition.DENY, "k", List.of()))
                .contains("service default/kubernetes"));
    }

    @Test
    void enforcesPtraceOnlyTowardsProcessesOutsideTheSandbox() {
        assertEquals(Optional.empty(), landlock.cannotEnforce(Ir.ptrace(false, PtracePerm.READ, PtracePerm.TRACE)));
        assertTrue(why(Ir.ptrace(false, PtracePerm.TRACEBY)).contains("traceby"));
        assertTrue(why(Ir.ptrace(true, PtracePerm.READ)).contains("strict"));
    }

    @Test
    void compilesOnlyTheRulesItCanEnforceAndDeterministically() {
        PolicyIR ir = Ir.policy(Ir.file("/etc/**", FilePerm.WRITE, FilePerm.APPEND), Ir.file("/**/.ssh/**", FilePerm.READ),
                Ir.file(Disposition.ALLOW, "/tmp/**", FilePerm.WRITE), Ir.connect(8081, 8082), Ir.ptrace(false, PtracePerm.READ),
                new IrRule.UserNamespaceCreate(Disposition.DENY, "userns", List.of()));
        String text = landlock.compile(ir).content();
        assertEquals(text, landlock.compile(ir).content());
        LandlockProfile p = LandlockProfile.parse(text);
        assertEquals(1, p.files().size());
        assertEquals("/etc", p.files().get(0).path());
        assertTrue(p.files().get(0).beneath());
        assertEquals(List.of(new LandlockProfile.PortDeny(8081, 8082, true, "connect:8081")), p.ports());
        assertEquals(1, p.ptrace().size());
        assertEquals("varmor-test-landlock.landlock", landlock.compile(ir).fileName());
    }

    @Test
    void readingAHierarchyIncludesListingItButReadingAFileDoesNot() {
        assertEquals(EnumSet.of(Access.READ_FILE, Access.READ_DIR), IrMapping.rights(EnumSet.of(FilePerm.READ), true));
        assertEquals(EnumSet.of(Access.READ_FILE), IrMapping.rights(EnumSet.of(FilePerm.READ), false));
        assertEquals(Access.WRITE, IrMapping.rights(EnumSet.of(FilePerm.WRITE, FilePerm.APPEND), false));
    }

    @Test
    void rejectsComplainModeAndDefenseInDepthForThePolicyAsAWhole() {
        assertEquals(List.of(), landlock.checkCapacity(Ir.policy()));
        assertTrue(landlock.checkCapacity(Ir.policy(Mode.BEHAVIOR_MODELING, PolicyIR.Base.NONE, true)).get(0).contains("no complain mode"));
        assertTrue(landlock.checkCapacity(Ir.policy(Mode.DEFENSE_IN_DEPTH, PolicyIR.Base.ALLOW_LIST, false)).get(0)
                .contains("no DefenseInDepth profile"));
    }

    @Test
    void availabilityReportsTheKernelsAbi() {
        NodeCapabilities node = new NodeCapabilities("6.15", List.of("lockdown", "landlock"), Map.of());
        Availability a = landlock.availability(node);
        assertTrue(a.available());
        assertEquals("Landlock: ABI 7 (Linux 6.15): file hierarchies, TCP bind/connect ports, IPC scoping, denial logging "
                + "(with audit on); applied by varmor-exec before the target executes", a.detail());
        assertTrue(new LandlockEnforcer(() -> new AbiProbe.Result(3, 0)).availability(node).detail().contains("ABI 3 (Linux 6.2): file hierarchies;"));
    }

    @Test
    void availabilitySaysWhyLandlockIsMissing() {
        NodeCapabilities node = new NodeCapabilities("6.1", List.of("lockdown", "capability"), Map.of());
        Availability off = new LandlockEnforcer(() -> new AbiProbe.Result(0, AbiProbe.EOPNOTSUPP)).availability(node);
        assertFalse(off.available());
        assertTrue(off.detail().contains("add landlock to the lsm= boot parameter"), off.detail());
        assertTrue(new LandlockEnforcer(() -> new AbiProbe.Result(0, AbiProbe.ENOSYS)).availability(node).detail()
                .contains("CONFIG_SECURITY_LANDLOCK"));
        Availability unknown = new LandlockEnforcer(() -> {
            throw new UnsatisfiedLinkError("no libc");
        }).availability(node);
        assertFalse(unknown.available());
        assertTrue(unknown.detail().contains("not among the active LSMs"));
    }

    @Test
    void realProbeAgreesWithTheActiveLsmList() throws Exception {
        java.nio.file.Path lsm = java.nio.file.Path.of("/sys/kernel/security/lsm");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(lsm), "securityfs is not mounted");
        boolean active = java.nio.file.Files.readString(lsm).contains("landlock");
        AbiProbe.Result r = AbiProbe.probe();
        assertEquals(active, r.ok(), "probe answered " + r);
    }
}
