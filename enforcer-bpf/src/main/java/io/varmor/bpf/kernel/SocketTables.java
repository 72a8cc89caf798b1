package io.varmor.bpf.kernel;

import io.varmor.bpf.BpfTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * socket() rules as {@code v_sock} keys: every (domain, type, protocol) combination a rule names, with wildcards for
 * the fields it leaves open, so the kernel decides with at most 12 hash lookups whatever the rule count. Rules that
 * accept the implied protocol (SOCK_STREAM: TCP, SOCK_DGRAM: UDP on inet/inet6 with protocol 0) get a second key set.
 */
final class SocketTables {
    private SocketTables() {}

    /** Adds the entries; returns the wildcard patterns used ({@code sock_dims}). */
    static int build(int profile, List<BpfTables.SocketRow> rows, RuleRefs refs, List<Entry> out) {
        Map<String, int[]> keys = new LinkedHashMap<>();
        int dims = 0;
        for (BpfTables.SocketRow r : rows) {
            int ref = refs.ref(r.rule(), r.mode());
            boolean deny = (r.mode() & BpfTables.DENY) != 0;
            List<Integer> ds = bits(r.domains());
            List<Integer> ts = bits(r.types());
            List<Integer> ps = bits(r.protocols());
            for (int implied = 0; implied < (r.impliedProtocol() && !ps.isEmpty() ? 2 : 1); implied++) {
                for (int d : ds.isEmpty() ? List.of(-1) : ds) {
                    for (int ty : ts.isEmpty() ? List.of(-1) : ts) {
                        for (int p : ps.isEmpty() ? List.of(-1) : ps) {
                            int w = (d < 0 ? 1 : 0) | (ty < 0 ? 2 : 0) | (p < 0 ? 4 : 0) | (implied == 1 ? 8 : 0);
                            dims |= 1 << w;
                            String k = Math.max(d, 0) + "/" + Math.max(ty, 0) + "/" + Math.max(p, 0) + "/" + w;
                            int[] v = keys.computeIfAbsent(k, x -> new int[2]);
                            int[] dd = {v[0]};
                            int[] aa = {v[1]};
                            ProfileImage.take(dd, aa, 0, ref, deny);
                            v[0] = dd[0];
                            v[1] = aa[0];
                        }
                    }
                }
            }
        }
        if (keys.size() > 0) {
            for (Map.Entry<String, int[]> e : keys.entrySet()) {
                String[] f = e.getKey().split("/");
                byte[] key = new Le(Layout.SOCK_KEY).u32(0, profile).u16(4, Integer.parseInt(f[2]))
                        .u8(6, Integer.parseInt(f[0])).u8(7, Integer.parseInt(f[1])).u32(8, Integer.parseInt(f[3])).array();
                byte[] value = new Le(4).u32(0, (e.getValue()[0] & 0xffffL) | ((long) e.getValue()[1] << 16)).array();
                out.add(new Entry(Layout.SOCK, key, value));
            }
        }
        return dims;
    }

    private static List<Integer> bits(long mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            if ((mask & (1L << i)) != 0) {
                out.add(i);
            }
        }
        return out;
    }
}
