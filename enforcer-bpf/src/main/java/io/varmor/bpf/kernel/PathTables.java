package io.varmor.bpf.kernel;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The path rules of one kind (file, exec, umount, or one mount class) of one profile, turned into trie nodes, pairs and
 * chain entries (see {@code va_match} in {@code varmor.bpf.c}). Strings are handled as byte strings (UTF-8 bytes as
 * ISO-8859-1 chars), so ordering and prefixes are those of the kernel's bytes.
 */
final class PathTables {
    private static final long ANY_HI = 0xffffffffL;

    private final int hdr;
    private final boolean ancestors;
    private final List<PathRule> rules = new ArrayList<>();

    /** Result: entries to write and the kind's lookup flags. */
    record Built(List<Entry> entries, int kflags, int maxSuffix) {}

    /**
     * @param hdr       profile id << 8 | kind
     * @param ancestors also mark the directories above exact/prefix rules (rename of a protected directory)
     */
    PathTables(int hdr, boolean ancestors) {
        this.hdr = hdr;
        this.ancestors = ancestors;
    }

    void add(PathRule r) {
        rules.add(r);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    static String bs(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static String rev(String s) {
        return new StringBuilder(s).reverse().toString();
    }

    Built build() {
        if (rules.isEmpty()) {
            return new Built(List.of(), 0, 0);
        }
        Set<String> fwd = new TreeSet<>(List.of(""));
        Set<String> rv = new TreeSet<>(List.of(""));
        Set<String> pfwd = new TreeSet<>(List.of(""));
        Set<String> prev = new TreeSet<>(List.of(""));
        Set<String> base = new TreeSet<>(List.of(""));
        Map<String, Decision> anc = new TreeMap<>();
        boolean pairs = false;
        boolean chains = false;
        boolean bases = false;
        for (PathRule r : rules) {
            String p = bs(r.prefix());
            String s = bs(r.suffix());
            check(p);
            check(s);
            switch (r.shape()) {
                case EXACT, PREFIX -> fwd.add(p);
                case SUFFIX -> rv.add(rev(s));
                case PREFIX_SUFFIX -> {
                    pfwd.add(p);
                    prev.add(rev(s));
                    pairs = true;
                }
                case CHAIN -> {
                    fwd.add(p);
                    rv.add(rev(s));
                    chains = true;
                }
                case BASENAME -> {
                    base.add(p);
                    prev.add(rev(s));
                    bases = true;
                }
            }
            if (ancestors && (r.shape() == PathRule.Shape.EXACT || r.shape() == PathRule.Shape.PREFIX
                    || r.shape() == PathRule.Shape.PREFIX_SUFFIX)) {
                for (int j = 1; j < p.length(); j++) {
                    if (p.charAt(j) == '/') {
                        String a = p.substring(0, j + 1);
                        fwd.add(a);
                        anc.computeIfAbsent(a, k -> new Decision()).add(1, r.ref(), r.denies(), 0);
                    }
                }
            }
        }
        Trie f = new Trie(fwd);
        Trie r = new Trie(rv);
        Trie pf = new Trie(pfwd);
        Trie pr = new Trie(prev);
        Trie b = new Trie(base);
        List<Entry> out = new ArrayList<>();
        fwdNodes(f, anc, out);
        revNodes(r, out);
        if (pairs || bases) {
            plainNodes(pr, Layout.REV, hdr | Layout.K_PAIRED, Layout.RNODE, out);
        }
        if (pairs) {
            plainNodes(pf, Layout.FWD, hdr | Layout.K_PAIRED, Layout.FNODE, out);
            pairEntries(pf, pr, out);
        }
        if (bases) {
            plainNodes(b, Layout.FWD, hdr | Layout.K_BASENAME, Layout.FNODE, out);
            baseEntries(b, pr, out);
        }
        if (chains) {
            chainEntries(f, r, out);
        }
        int kf = Layout.KF_FWD;
        if (rv.size() > 1) {
            kf |= Layout.KF_REV;
        }
        if (pairs) {
            kf |= Layout.KF_PAIR;
        }
        if (chains) {
            kf |= Layout.KF_CHAIN;
        }
        if (bases) {
            kf |= Layout.KF_BASE;
        }
        int maxSfx = 0;
        for (Set<String> set : List.of(rv, prev)) {
            for (String x : set) {
                maxSfx = Math.max(maxSfx, x.length());
            }
        }
        return new Built(out, kf, maxSfx);
    }

    /** Nodes that only carry their pre-order number (the paired and basename tries). */
    private static void plainNodes(Trie t, String map, int hdr, int size, List<Entry> out) {
        for (int i = 0; i < t.size(); i++) {
            Le v = new Le(size).u32(0, i + 1).u32(4, t.node(i).length());
            out.add(new Entry(map, lpmKey(hdr, t.node(i)), v.array()));
        }
    }

    private static void check(String s) {
        if (s.length() > Layout.KEY_PATH) {
            throw new TableException("a path literal is longer than " + Layout.KEY_PATH + " bytes: " + s);
        }
    }

    private void fwdNodes(Trie f, Map<String, Decision> anc, List<Entry> out) {
        Decision[] pfx = new Decision[f.size()];
        for (int i = 0; i < f.size(); i++) {
            String x = f.node(i);
            Decision d = new Decision();
            if (f.parent(i) >= 0) {
                d.addAll(pfx[f.parent(i)]);
            }
            Decision exact = new Decision();
            for (PathRule r : rules) {
                if (!bs(r.prefix()).equals(x)) {
                    continue;
                }
                if (r.shape() == PathRule.Shape.PREFIX) {
                    d.add(r.perms(), r.ref(), r.denies(), 0);
                } else if (r.shape() == PathRule.Shape.EXACT) {
                    exact.add(r.perms(), r.ref(), r.denies(), 0);
                }
            }
            pfx[i] = d;
            Le v = new Le(Layout.FNODE).u32(0, i + 1).u32(4, x.length());
            Decision a = anc.get(x);
            if (a != null) {
                int[] da = a.pick(1, Integer.MAX_VALUE);
                v.u16(8, da[0]).u16(10, da[1]);
            }
            d.write(v, 16);
            exact.write(v, 56);
            out.add(new Entry(Layout.FWD, lpmKey(hdr, x), v.array()));
        }
    }

    private void revNodes(Trie r, List<Entry> out) {
        Decision[] sfx = new Decision[r.size()];
        for (int i = 0; i < r.size(); i++) {
            String x = r.node(i);
            Decision d = new Decision();
            if (r.parent(i) >= 0) {
                d.addAll(sfx[r.parent(i)]);
            }
            for (PathRule rule : rules) {
                if (rule.shape() == PathRule.Shape.SUFFIX && rev(bs(rule.suffix())).equals(x)) {
                    d.add(rule.perms(), rule.ref(), rule.denies(), bs(rule.prefix()).length() + x.length());
                }
            }
            sfx[i] = d;
            Le v = new Le(Layout.RNODE).u32(0, i + 1).u32(4, x.length());
            d.write(v, 8);
            out.add(new Entry(Layout.REV, lpmKey(hdr, x), v.array()));
        }
    }

    private void pairEntries(Trie f, Trie r, List<Entry> out) {
        Map<Long, Decision> pairs = new TreeMap<>();
        for (PathRule rule : rules) {
            if (rule.shape() != PathRule.Shape.PREFIX_SUFFIX) {
                continue;
            }
            int need = rule.need();
            for (int fi : f.subtree(bs(rule.prefix()))) {
                for (int ri : r.subtree(rev(bs(rule.suffix())))) {
                    pairs.computeIfAbsent(((long) (fi + 1) << 32) | (ri + 1), k -> new Decision())
                            .add(rule.perms(), rule.ref(), rule.denies(), need);
                }
            }
        }
        pairs.forEach((k, d) -> out.add(new Entry(Layout.PAIR, pairKey(hdr, (int) (k >>> 32), (int) (long) k), d.bytes())));
    }

    private void baseEntries(Trie b, Trie r, List<Entry> out) {
        int bhdr = hdr | Layout.K_BASENAME;
        Map<Long, Decision> pairs = new TreeMap<>();
        for (PathRule rule : rules) {
            if (rule.shape() != PathRule.Shape.BASENAME) {
                continue;
            }
            String s = bs(rule.suffix());
            List<Integer> revs = s.isEmpty() ? List.of(-1) : r.subtree(rev(s));
            for (int bi : b.subtree(bs(rule.prefix()))) {
                for (int ri : revs) {
                    pairs.computeIfAbsent(((long) (bi + 1) << 32) | (ri + 1), k -> new Decision())
                            .add(rule.perms(), rule.ref(), rule.denies(), rule.need());
                }
            }
        }
        pairs.forEach((k, d) -> out.add(new Entry(Layout.PAIR, pairKey(bhdr, (int) (k >>> 32), (int) (long) k), d.bytes())));
    }

    private void chainEntries(Trie f, Trie r, List<Entry> out) {
        Map<String, Map<String, Decision>> byComponent = new TreeMap<>();
        for (PathRule rule : rules) {
            if (rule.shape() != PathRule.Shape.CHAIN) {
                continue;
            }
            String variant = bs(rule.prefix()) + "\u0000" + bs(rule.suffix());
            byComponent.computeIfAbsent(bs(rule.component()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(variant, k -> new Decision()).add(rule.perms(), rule.ref(), rule.denies(), 0);
        }
        for (Map.Entry<String, Map<String, Decision>> c : byComponent.entrySet()) {
            if (c.getValue().size() > Layout.CHAIN_VARS) {
                throw new TableException("more than " + Layout.CHAIN_VARS + " path rules with different prefixes or"
                        + " suffixes share the component \"" + c.getKey() + "\" (table " + Layout.CHAIN + ")");
            }
            Le v = new Le(Layout.CHAIN_SIZE);
            int j = 0;
            for (Map.Entry<String, Decision> var : c.getValue().entrySet()) {
                String[] ps = var.getKey().split("\u0000", -1);
                int o = j++ * Layout.CHAIN_VAR;
                long[] pi = interval(f, ps[0]);
                long[] si = interval(r, rev(ps[1]));
                v.u32(o, pi[0]).u32(o + 4, pi[1]).u32(o + 8, si[0]).u32(o + 12, si[1]).u16(o + 16, ps[0].length())
                        .u16(o + 18, ps[1].length()).u16(o + 20, 1);
                var.getValue().write(v, o + 24);
            }
            byte[] comp = c.getKey().getBytes(StandardCharsets.ISO_8859_1);
            byte[] key = new Le(Layout.CHAIN_KEY).u32(0, hdr).u32(4, comp.length).u64(8, Layout.fnv1a(comp, 0, comp.length))
                    .array();
            out.add(new Entry(Layout.CHAIN, key, v.array()));
        }
    }

    private static long[] interval(Trie t, String node) {
        if (node.isEmpty()) {
            return new long[] {0, ANY_HI};
        }
        int i = t.index(node);
        return new long[] {i + 1, t.post(i)};
    }

    static byte[] lpmKey(int hdr, String bytes) {
        byte[] data = bytes.getBytes(StandardCharsets.ISO_8859_1);
        return new Le(Layout.LPM_KEY).u32(0, 32 + 8L * data.length).u32(4, hdr).bytes(8, data).array();
    }

    static byte[] pairKey(int hdr, int fpre, int rpre) {
        return new Le(Layout.PAIR_KEY).u32(0, hdr).u32(4, fpre).u32(8, rpre).array();
    }

    /** Byte strings in lexicographic order, which is a pre-order of the "is a prefix of" forest. */
    static final class Trie {
        private final List<String> nodes;
        private final Map<String, Integer> index = new java.util.HashMap<>();
        private final int[] parent;
        private final int[] post;

        Trie(Set<String> strings) {
            nodes = new ArrayList<>(new TreeSet<>(strings));
            parent = new int[nodes.size()];
            post = new int[nodes.size()];
            java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
            for (int i = 0; i < nodes.size(); i++) {
                index.put(nodes.get(i), i);
                while (!stack.isEmpty() && !nodes.get(i).startsWith(nodes.get(stack.peek()))) {
                    post[stack.pop()] = i;
                }
                parent[i] = stack.isEmpty() ? -1 : stack.peek();
                stack.push(i);
            }
            while (!stack.isEmpty()) {
                post[stack.pop()] = nodes.size();
            }
        }

        int size() {
            return nodes.size();
        }

        String node(int i) {
            return nodes.get(i);
        }

        int parent(int i) {
            return parent[i];
        }

        int index(String s) {
            return index.get(s);
        }

        /** Pre number (1-based) of the last node under node i. */
        int post(int i) {
            return post[i];
        }

        List<Integer> subtree(String s) {
            int i = index(s);
            List<Integer> out = new ArrayList<>();
            for (int j = i; j < post[i]; j++) {
                out.add(j);
            }
            return out;
        }
    }
}
