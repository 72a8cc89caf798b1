package io.varmor.bpf.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java model of the kernel side's path matching ({@code va_match} in varmor.bpf.c) over the entries a
 * {@link ProfileImage} produces: LPM tries as brute-force longest-prefix searches, hash maps as maps. Tests compare it
 * with {@link io.varmor.core.ir.PathPattern#matches}.
 */
final class KernelModel {
    private final List<Entry> fwd = new ArrayList<>();
    private final List<Entry> rev = new ArrayList<>();
    private final Map<String, byte[]> hash = new HashMap<>();
    private final byte[] profile;

    KernelModel(ProfileImage.Built image) {
        this.profile = image.profileValue();
        for (Entry e : image.entries()) {
            switch (e.map()) {
                case Layout.FWD -> fwd.add(e);
                case Layout.REV -> rev.add(e);
                default -> hash.put(e.map() + ":" + hex(e.key()), e.value());
            }
        }
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    int kflags(int kind) {
        return (int) ((le(profile).getLong(Layout.PR_KIND_FLAGS) >>> (8 * kind)) & 0xff);
    }

    int maxSfx() {
        return le(profile).getInt(Layout.PR_MAX_SFX);
    }

    /** Longest-prefix match over entries with the same hdr. */
    private static byte[] lpm(List<Entry> entries, int hdr, byte[] data) {
        byte[] best = null;
        int bestLen = -1;
        for (Entry e : entries) {
            ByteBuffer k = le(e.key());
            if (k.getInt(4) != hdr) {
                continue;
            }
            int n = (k.getInt(0) - 32) / 8;
            if (n > data.length || n <= bestLen) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < n && ok; i++) {
                ok = e.key()[8 + i] == data[i];
            }
            if (ok) {
                best = e.value();
                bestLen = n;
            }
        }
        return best;
    }

    private static void pick(int[] acc, byte[] v, int off, int req, int len) {
        ByteBuffer b = le(v);
        for (int i = 0; i < Layout.NPERM; i++) {
            if ((req & (1 << i)) == 0) {
                continue;
            }
            int o = off + 8 * i;
            int d = b.getShort(o) & 0xffff;
            int dn = b.getShort(o + 2) & 0xffff;
            int a = b.getShort(o + 4) & 0xffff;
            int an = b.getShort(o + 6) & 0xffff;
            if (d != 0 && len >= dn) {
                take(acc, d, 0);
                acc[2] |= 1 << i;
            }
            if (a != 0 && len >= an) {
                take(acc, 0, a);
            }
        }
    }

    private static void take(int[] acc, int d, int a) {
        if (d != 0 && (acc[0] == 0 || ((acc[0] & Layout.RULE_AUDIT) == 0 && (d & Layout.RULE_AUDIT) != 0))) {
            acc[0] = d;
        }
        if (a != 0 && acc[1] == 0) {
            acc[1] = a;
        }
    }

    /** {deny ref, audit ref, permissions covered by a deny slot} for a path of profile {@code id} and {@code kind}. */
    int[] match(int id, int kind, String path, int req, boolean wantAnc) {
        int kf = kflags(kind);
        int[] acc = new int[3];
        if (kf == 0) {
            return acc;
        }
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        int len = p.length;
        int hdr = (id << 8) | kind;
        int n = Math.min(len, Layout.KEY_PATH);
        int fpre = 0;
        int rpre = 0;
        byte[] f = lpm(fwd, hdr, java.util.Arrays.copyOf(p, n));
        if (f != null) {
            fpre = le(f).getInt(0);
            pick(acc, f, 16, req, len);
            if (le(f).getInt(4) == len) {
                pick(acc, f, 56, req, len);
                if (wantAnc) {
                    take(acc, le(f).getShort(8) & 0xffff, le(f).getShort(10) & 0xffff);
                }
            }
        }
        int ppre = 0;
        int prpre = 0;
        if ((kf & Layout.KF_PAIR) != 0) {
            byte[] pf = lpm(fwd, hdr | Layout.K_PAIRED, java.util.Arrays.copyOf(p, n));
            if (pf != null) {
                ppre = le(pf).getInt(0);
            }
        }
        if ((kf & (Layout.KF_REV | Layout.KF_PAIR | Layout.KF_BASE | Layout.KF_CHAIN)) != 0) {
            int m = Math.min(Math.min(maxSfx(), 252), n);
            byte[] r = new byte[m];
            for (int i = 0; i < m; i++) {
                r[i] = p[len - 1 - i];
            }
            byte[] rv = lpm(rev, hdr, r);
            if (rv != null) {
                rpre = le(rv).getInt(0);
                pick(acc, rv, 8, req, len);
            }
            if ((kf & (Layout.KF_PAIR | Layout.KF_BASE)) != 0) {
                byte[] pr = lpm(rev, hdr | Layout.K_PAIRED, r);
                if (pr != null) {
                    prpre = le(pr).getInt(0);
                }
            }
        }
        if ((kf & Layout.KF_PAIR) != 0 && ppre != 0 && prpre != 0) {
            byte[] d = hash.get(Layout.PAIR + ":" + hex(PathTables.pairKey(hdr, ppre, prpre)));
            if (d != null) {
                pick(acc, d, 0, req, len);
            }
        }
        if ((kf & Layout.KF_BASE) != 0) {
            int b = 0;
            for (int i = 0; i < Math.min(len, 256); i++) {
                if (p[len - 1 - i] == '/') {
                    b = len - i;
                    break;
                }
            }
            int bl = len - b;
            if (bl > 0 && bl < 256) {
                byte[] bn = lpm(fwd, hdr | Layout.K_BASENAME, java.util.Arrays.copyOfRange(p, b, b + Math.min(bl, 252)));
                if (bn != null) {
                    int bpre = le(bn).getInt(0);
                    for (int rp : new int[] {prpre, 0}) {
                        byte[] d = hash.get(Layout.PAIR + ":" + hex(PathTables.pairKey(hdr | Layout.K_BASENAME, bpre, rp)));
                        if (d != null) {
                            pick(acc, d, 0, req, bl);
                        }
                    }
                }
            }
        }
        if ((kf & Layout.KF_CHAIN) != 0) {
            long h = 0xcbf29ce484222325L;
            int clen = 0;
            int last = 0;
            boolean lastOk = false;
            for (int i = 0; i < len; i++) {
                if (p[i] != '/') {
                    h = (h ^ (p[i] & 0xff)) * 0x100000001b3L;
                    clen++;
                    continue;
                }
                if (lastOk && clen > 0) {
                    byte[] key = new Le(Layout.CHAIN_KEY).u32(0, hdr).u32(4, clen).u64(8, h).array();
                    byte[] v = hash.get(Layout.CHAIN + ":" + hex(key));
                    if (v != null) {
                        ByteBuffer b = le(v);
                        for (int j = 0; j < Layout.CHAIN_VARS; j++) {
                            int o = j * Layout.CHAIN_VAR;
                            if ((b.getShort(o + 20) & 0xffff) == 0) {
                                break;
                            }
                            long plo = b.getInt(o) & 0xffffffffL;
                            long phi = b.getInt(o + 4) & 0xffffffffL;
                            long slo = b.getInt(o + 8) & 0xffffffffL;
                            long shi = b.getInt(o + 12) & 0xffffffffL;
                            if (fpre < plo || fpre > phi || rpre < slo || rpre > shi) {
                                continue;
                            }
                            if (last < (b.getShort(o + 16) & 0xffff) || i + 1 + (b.getShort(o + 18) & 0xffff) > len) {
                                continue;
                            }
                            pick(acc, v, o + 24, req, len);
                        }
                    }
                }
                last = i;
                lastOk = true;
                h = 0xcbf29ce484222325L;
                clen = 0;
            }
        }
        return acc;
    }
}
