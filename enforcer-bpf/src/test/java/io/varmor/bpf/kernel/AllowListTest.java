package io.varmor.bpf.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.bpf.BpfCompiler;
import io.varmor.bpf.BpfCompilerTest;
import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfTables;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DefenseInDepth allow-lists: what a policy's {@code defenseInDepth.bpf.allowList} compiles to, and what the kernel's
 * lookup (modelled by {@link KernelModel}) then covers. The kernel refuses an access of an allow-list kind unless every
 * permission it needs is covered; the lab suite checks that the kernel does so.
 */
class AllowListTest {
    /** spec.policy after "enforcer: BPF" */
    static final String POLICY = """
            mode: DefenseInDepth
            defenseInDepth:
              bpf:
                profileType: Custom
                allowList:
                  executions: [/usr/bin/cat]
                  files:
                    - {path: /etc/os-release, permissions: [read]}
                    - {path: /tmp/out/**, permissions: [read, write]}
                    - {path: /proc/*/stat, permissions: [read]}
                    - {path: /var/log/app.log, permissions: [append]}
                  capabilities: [chown]
                  network:
                    sockets: [{domain: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP}]
                  ptraces: [{permissions: [read], external: false}]
            """;

    static BpfTables tables(String policy) throws Exception {
        return BpfCompilerTest.compile(new BpfEnforcer(), policy);
    }

    static boolean covered(KernelModel k, int kind, String path, int need) {
        return (k.match(3, kind, path, need, false)[2] & need) == need;
    }

    @Test
    void anAllowListCompilesToAllowRowsAndTheComplementOfWhatItAllows() throws Exception {
        BpfTables t = tables(POLICY);
        assertTrue(t.isAllowList());
        assertTrue(t.files().stream().allMatch(r -> r.mode() == BpfTables.ALLOW), t.files().toString());
        assertEquals(List.of("/proc/**/stat"), t.files().stream().filter(r -> "prefix-suffix".equals(r.match()))
                .map(r -> r.prefix() + "**" + r.suffix()).toList(), "a pattern BPF cannot hold is widened, not dropped");
        assertEquals(1, t.processes().size());
        long caps = t.capabilities().get(0).mask();
        assertEquals(0, caps & 1, "chown is allowed");
        assertEquals(-2L, caps, "every other capability is denied");
        assertEquals(BpfTables.DENY | BpfTables.AUDIT, t.capabilities().get(0).mode());
        assertEquals(1, t.mounts().size(), "every mount is denied");
        assertEquals(1, t.umounts().size());
        assertEquals(1, t.userns().size());
        // read inside the container was recorded: only external reads denied; trace denied everywhere
        assertEquals(List.of("2:true", "4:false"), t.ptrace().stream().map(p -> p.permissions() + ":" + p.strict()).toList());
        assertTrue(t.egress().isEmpty());
    }

    @Test
    void theKernelImageCoversExactlyTheListedPermissions() throws Exception {
        ProfileImage.Built b = ProfileImage.build(3, tables(POLICY), null, List.of());
        ByteBuffer p = ByteBuffer.wrap(b.profileValue()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Layout.AL_FILE | Layout.AL_EXEC | Layout.AL_SOCK, p.getInt(Layout.PR_ALLOW));
        int ref = p.getInt(Layout.PR_ALLOW_REF);
        assertTrue((ref & Layout.RULE_AUDIT) != 0, "refusals are reported");
        assertEquals(BpfCompiler.OUTSIDE_ALLOW_LIST, b.rules().get((ref & Layout.RULE_MASK) - 1));
        assertEquals(ref, p.getInt(Layout.PR_EXEC_UNLINKED), "a nameless executable is outside every allow-list");
        int userns = p.getInt(Layout.PR_USERNS) & 0xffff;
        assertEquals(BpfCompiler.OUTSIDE_ALLOW_LIST, b.rules().get((userns & Layout.RULE_MASK) - 1), "user namespaces are refused");
        KernelModel k = new KernelModel(b);
        assertTrue(covered(k, Layout.K_FILE, "/etc/os-release", Layout.P_READ));
        assertFalse(covered(k, Layout.K_FILE, "/etc/os-release", Layout.P_WRITE));
        assertFalse(covered(k, Layout.K_FILE, "/etc/os-release-", Layout.P_READ));
        assertFalse(covered(k, Layout.K_FILE, "/etc/hostname", Layout.P_READ));
        assertTrue(covered(k, Layout.K_FILE, "/tmp/out/a/b", Layout.P_READ | Layout.P_WRITE));
        assertTrue(covered(k, Layout.K_FILE, "/tmp/out/a", Layout.P_APPEND), "write covers append");
        assertFalse(covered(k, Layout.K_FILE, "/tmp/outside", Layout.P_READ));
        assertTrue(covered(k, Layout.K_FILE, "/proc/42/stat", Layout.P_READ));
        assertFalse(covered(k, Layout.K_FILE, "/proc/42/environ", Layout.P_READ));
        assertTrue(covered(k, Layout.K_FILE, "/var/log/app.log", Layout.P_APPEND));
        assertFalse(covered(k, Layout.K_FILE, "/var/log/app.log", Layout.P_WRITE), "append does not cover write");
        assertTrue(covered(k, Layout.K_EXEC, "/usr/bin/cat", Layout.P_EXEC));
        assertFalse(covered(k, Layout.K_EXEC, "/usr/bin/sh", Layout.P_EXEC));
    }

    @Test
    void anEmptyAllowListAllowsNothing() throws Exception {
        BpfTables t = tables(POLICY.substring(0, POLICY.indexOf("    allowList:")) + "    allowList: {}\n");
        assertTrue(t.files().isEmpty() && t.processes().isEmpty() && t.sockets().isEmpty());
        assertEquals(-1L, t.capabilities().get(0).mask());
        ProfileImage.Built b = ProfileImage.build(3, t, null, List.of());
        ByteBuffer p = ByteBuffer.wrap(b.profileValue()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Layout.AL_FILE | Layout.AL_EXEC | Layout.AL_SOCK, p.getInt(Layout.PR_ALLOW));
    }

    @Test
    void recordedPathsBpfCannotHoldAreWidenedAtTheirFirstWildcard() {
        assertEquals("/proc/**/stat", BpfCompiler.allowPattern("/proc/*/stat").orElseThrow().glob());
        assertEquals("/usr/lib/**", BpfCompiler.allowPattern("/usr/lib/**").orElseThrow().glob());
        assertEquals("/a/**", BpfCompiler.allowPattern("/a/" + "x".repeat(300)).orElseThrow().glob());
        assertEquals("/srv/**.log", BpfCompiler.allowPattern("/srv/{a,b}/*.log").orElseThrow().glob());
    }
}
