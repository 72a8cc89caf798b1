package io.varmor.bpf.kernel;

import io.varmor.bpf.BpfTables;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * connect() rules as {@code v_egress} LPM nodes: one node per CIDR a rule names, whose value holds the port intervals
 * of every rule whose CIDR contains it (so the longest match decides alone), merged into at most
 * {@link Layout#PORT_RANGES} disjoint intervals. The pod's own address is a node of its own (family 0xff).
 * Service rules are resolved to addresses by the cluster agent and are not part of the local tables.
 */
final class EgressTables {
    private EgressTables() {}

    private record Cidr(int family, byte[] addr, int bits) {
        boolean contains(Cidr o) {
            if (family != o.family || bits > o.bits) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int b = 7 - (i % 8);
                if (((addr[i / 8] >> b) & 1) != ((o.addr[i / 8] >> b) & 1)) {
                    return false;
                }
            }
            return true;
        }

        String id() {
            return family + "/" + Arrays.toString(addr) + "/" + bits;
        }
    }

    private record Row(Cidr cidr, List<int[]> ports, int ref, boolean deny) {}

    /** Adds the entries; returns {@code va_profile.egress} bits (1 IPv4, 2 IPv6, 4 pod-self). */
    static int build(int profile, List<BpfTables.EgressRow> rows, RuleRefs refs, List<Entry> out) {
        List<Row> all = new ArrayList<>();
        for (BpfTables.EgressRow r : rows) {
            if (r.service() != null) {
                continue; // resolved to addresses by the cluster agent
            }
            int ref = refs.ref(r.rule(), r.mode());
            boolean deny = (r.mode() & BpfTables.DENY) != 0;
            List<int[]> ports = r.ports() == null || r.ports().isEmpty() ? List.of(new int[] {0, 65535}) : r.ports();
            if (Boolean.TRUE.equals(r.podSelf())) {
                all.add(new Row(new Cidr(0xff, new byte[16], 0), ports, ref, deny));
            } else if (r.cidr() == null) {
                all.add(new Row(new Cidr(4, new byte[16], 0), ports, ref, deny));
                all.add(new Row(new Cidr(6, new byte[16], 0), ports, ref, deny));
            } else {
                all.add(new Row(parse(r.cidr()), ports, ref, deny));
            }
        }
        int bits = 0;
        TreeSet<String> seen = new TreeSet<>();
        for (Row node : all) {
            if (!seen.add(node.cidr.id())) {
                continue;
            }
            List<Row> covering = new ArrayList<>();
            for (Row r : all) {
                if (r.cidr.contains(node.cidr)) {
                    covering.add(r);
                }
            }
            Le v = intervals(covering, node.cidr);
            int prefixlen = 64 + (node.cidr.family == 0xff ? 0 : node.cidr.bits);
            byte[] key = new Le(Layout.EGRESS_KEY).u32(0, prefixlen).u32(4, profile).u8(8, node.cidr.family)
                    .bytes(12, node.cidr.addr).array();
            out.add(new Entry(Layout.EGRESS, key, v.array()));
            bits |= node.cidr.family == 4 ? 1 : node.cidr.family == 6 ? 2 : 4;
        }
        return bits;
    }

    /** Disjoint port intervals with the decision of the first rule (in rule order) covering each. */
    private static Le intervals(List<Row> rows, Cidr node) {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, 65536));
        for (Row r : rows) {
            for (int[] p : r.ports) {
                cuts.add(p[0]);
                cuts.add(p[1] + 1);
            }
        }
        List<int[]> segs = new ArrayList<>(); // lo, hi, deny, audit
        Integer[] c = cuts.toArray(new Integer[0]);
        for (int i = 0; i + 1 < c.length; i++) {
            int lo = c[i];
            int hi = c[i + 1] - 1;
            int[] deny = new int[1];
            int[] audit = new int[1];
            for (Row r : rows) {
                for (int[] p : r.ports) {
                    if (p[0] <= lo && hi <= p[1]) {
                        ProfileImage.take(deny, audit, 0, r.ref, r.deny);
                    }
                }
            }
            if (deny[0] == 0 && audit[0] == 0) {
                continue;
            }
            int[] last = segs.isEmpty() ? null : segs.get(segs.size() - 1);
            if (last != null && last[1] + 1 == lo && last[2] == deny[0] && last[3] == audit[0]) {
                last[1] = hi;
            } else {
                segs.add(new int[] {lo, hi, deny[0], audit[0]});
            }
        }
        if (segs.size() > Layout.PORT_RANGES) {
            throw new TableException("more than " + Layout.PORT_RANGES + " distinct port ranges apply to "
                    + (node.family == 0xff ? "the pod's own address" : "one destination CIDR") + " (table " + Layout.EGRESS + ")");
        }
        Le v = new Le(Layout.PORTS).u32(0, segs.size());
        for (int i = 0; i < segs.size(); i++) {
            int[] s = segs.get(i);
            v.u16(4 + 8 * i, s[0]).u16(6 + 8 * i, s[1]).u32(8 + 8 * i, (s[2] & 0xffffL) | ((long) s[3] << 16));
        }
        return v;
    }

    private static Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        String a = slash < 0 ? cidr : cidr.substring(0, slash);
        try {
            byte[] raw = InetAddress.getByName(a).getAddress();
            int bits = slash < 0 ? raw.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            byte[] addr = new byte[16];
            System.arraycopy(raw, 0, addr, 0, raw.length);
            for (int i = bits; i < raw.length * 8; i++) {
                addr[i / 8] &= (byte) ~(1 << (7 - i % 8));
            }
            return new Cidr(raw.length == 4 ? 4 : 6, addr, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new TableException("bad CIDR \"" + cidr + "\"");
        }
    }
}
