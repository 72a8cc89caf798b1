package io.varmor.bpf.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.bpf.BpfTables;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileImageTest {
    static BpfTables tables(List<BpfTables.CapRow> caps, List<BpfTables.PathRow> files, List<BpfTables.SocketRow> socks,
                            List<BpfTables.EgressRow> egress) {
        return new BpfTables(2, "p", "enforce", caps, files, List.of(), socks, egress, List.of(), List.of(), List.of(),
                List.of());
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    static List<Entry> of(ProfileImage.Built b, String map) {
        return b.entries().stream().filter(e -> e.map().equals(map)).toList();
    }

    @Test
    void capabilityMasksAndRulesPerBitWithDenyWinningOverAudit() {
        var t = tables(List.of(new BpfTables.CapRow(1L << 12, BpfTables.AUDIT, "audit-net-admin"),
                new BpfTables.CapRow((1L << 12) | (1L << 21), BpfTables.DENY | BpfTables.AUDIT, "deny-two")), List.of(),
                List.of(), List.of());
        var b = ProfileImage.build(5, t, null, List.of());
        ByteBuffer p = le(b.profileValue());
        assertEquals((1L << 12) | (1L << 21), p.getLong(Layout.PR_CAP_DENY));
        assertEquals(0, p.getLong(Layout.PR_CAP_AUDIT));
        int ref = p.getShort(Layout.PR_CAP_RULE + 2 * 12) & 0xffff;
        assertEquals("deny-two", b.rules().get((ref & Layout.RULE_MASK) - 1));
        assertTrue((ref & Layout.RULE_AUDIT) != 0);
    }

    @Test
    void tcpRuleAlsoKeysTheImpliedProtocolOfStreamSockets() {
        var t = tables(List.of(), List.of(), List.of(new BpfTables.SocketRow(0, 0, 1L << 6, true, BpfTables.DENY, "disable-tcp")),
                List.of());
        var b = ProfileImage.build(5, t, null, List.of());
        List<Entry> socks = of(b, Layout.SOCK);
        assertEquals(2, socks.size());
        List<Integer> wild = new ArrayList<>();
        for (Entry e : socks) {
            assertEquals(6, le(e.key()).getShort(4));
            wild.add(le(e.key()).getInt(8));
        }
        assertEquals(List.of(3, 11), wild);
        assertEquals((1 << 3) | (1 << 11), le(b.profileValue()).getInt(Layout.PR_SOCK_DIMS));
    }

    @Test
    void egressNodesInheritTheirSupernetsPortsAndMergeIntervals() {
        var t = tables(List.of(), List.of(), List.of(), List.of(
                new BpfTables.EgressRow("10.0.0.0/8", null, null, List.of(new int[] {80, 80}), BpfTables.DENY, "wide"),
                new BpfTables.EgressRow("10.1.0.0/16", null, null, List.of(new int[] {1, 1000}), BpfTables.AUDIT, "narrow")));
        var b = ProfileImage.build(5, t, null, List.of());
        List<Entry> nodes = of(b, Layout.EGRESS);
        assertEquals(2, nodes.size());
        ByteBuffer narrow = le(nodes.get(1).value());
        assertEquals(64 + 16, le(nodes.get(1).key()).getInt(0));
        assertEquals(3, narrow.getInt(0)); // 1-79 audit, 80 deny, 81-1000 audit
        assertEquals(80, narrow.getShort(4 + 8) & 0xffff);
        assertEquals(1, narrow.getInt(4 + 8 + 4) & Layout.RULE_MASK);
        assertEquals(1, le(b.profileValue()).getInt(Layout.PR_EGRESS));
    }

    @Test
    void tooManyPortRangesForOneCidrIsAClearError() {
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ports.add(new int[] {1000 + 2 * i, 1000 + 2 * i});
        }
        var t = tables(List.of(), List.of(), List.of(), List.of(new BpfTables.EgressRow("10.0.0.0/8", null, null, ports,
                BpfTables.DENY, "many")));
        TableException e = assertThrows(TableException.class, () -> ProfileImage.build(5, t, null, List.of()));
        assertTrue(e.getMessage().contains("more than 32 distinct port ranges"), e.getMessage());
    }

    @Test
    void diskDevicePlaceholderExpandsToOneExactRowPerDevice() {
        var row = new BpfTables.PathRow("exact", "/dev/" + ProfileImage.DISK_DEVICES, null, null, 0x4, BpfTables.DENY, "disk");
        var b = ProfileImage.build(5, tables(List.of(), List.of(row), List.of(), List.of()), null, List.of("sda", "vda"));
        KernelModel k = new KernelModel(b);
        assertTrue(k.match(5, Layout.K_FILE, "/dev/vda", Layout.P_READ, false)[0] != 0);
        assertEquals(0, k.match(5, Layout.K_FILE, "/dev/vdb", Layout.P_READ, false)[0]);
    }

    @Test
    void syntheticRowsGuardUnresolvablePathsAndUnnamedExecutables() {
        var exec = new BpfTables.PathRow("suffix", "/", "/bash", null, 0x1, BpfTables.DENY, "disable-shell");
        var t = new BpfTables(2, "p", "enforce", List.of(), List.of(), List.of(exec), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of());
        var b = ProfileImage.build(5, t, null, List.of());
        ByteBuffer p = le(b.profileValue());
        assertEquals(ProfileImage.EXEC_UNLINKED, b.rules().get((p.getInt(Layout.PR_EXEC_UNLINKED) & Layout.RULE_MASK) - 1));
        assertEquals(ProfileImage.UNRESOLVED, b.rules().get((p.getInt(Layout.PR_PATH_GUARD) & Layout.RULE_MASK) - 1));
    }

    @Test
    void prefixSuffixRulesSharingAPrefixCostOnePairEachNotOnePerTrieNode() {
        List<BpfTables.PathRow> rows = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            rows.add(new BpfTables.PathRow(i % 2 == 0 ? "exact" : "prefix-suffix", i % 2 == 0 ? "/srv/x/f" + i : "/srv/",
                    i % 2 == 0 ? null : "/ps" + i, null, 0x4, BpfTables.DENY, "r" + i));
        }
        var b = ProfileImage.build(5, tables(List.of(), rows, List.of(), List.of()), null, List.of());
        assertEquals(512, of(b, Layout.PAIR).size());
        KernelModel k = new KernelModel(b);
        assertTrue(k.match(5, Layout.K_FILE, "/srv/a/b/ps1023", Layout.P_READ, false)[0] != 0);
        assertEquals(0, k.match(5, Layout.K_FILE, "/srv/a/b/ps1024", Layout.P_READ, false)[0]);
    }

    @Test
    void everyKeyCarriesTheProfileIdSoAProfileCanBeDeletedByScanning() {
        var b = ProfileImage.build(0x123, Shapes.allShapes(), null, List.of());
        for (Entry e : b.entries()) {
            ByteBuffer k = le(e.key());
            int id = switch (e.map()) {
                case Layout.FWD, Layout.REV -> k.getInt(4) >>> 8;
                case Layout.PAIR, Layout.CHAIN -> k.getInt(0) >>> 8;
                case Layout.EGRESS -> k.getInt(4);
                default -> k.getInt(0);
            };
            assertEquals(0x123, id, e.map());
        }
    }
}
