package io.varmor.bpf.lab;

import static io.varmor.bpf.lab.Guest.inside;
import static io.varmor.bpf.lab.Guest.print;
import static io.varmor.bpf.lab.Guest.report;

import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import io.varmor.bpf.BpfTables;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.TargetBinding;
import java.util.Map;

/**
 * Capacity in the kernel: a profile with 1,024 rules of each kind (file, process, network, mount) loads and its last
 * rules enforce; the namespace table takes its full 16,384 bindings, the next one fails with a clear error, and
 * enforcement of real namespaces goes on meanwhile.
 */
final class Capacity {
    private Capacity() {}

    static final int N = 1024;

    static String bigPolicy() {
        return policy(N);
    }

    /** n rules of each kind (file shapes in turn: exact, prefix, suffix, prefix+suffix), none matching /srv/bench. */
    static String policy(int n) {
        StringBuilder files = new StringBuilder();
        StringBuilder procs = new StringBuilder();
        StringBuilder egress = new StringBuilder();
        StringBuilder mounts = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String p = switch (i % 4) {
                case 0 -> "/srv/cap/f" + i;
                case 1 -> "/srv/capp" + i + "/**";
                case 2 -> "/**/capsuffix" + i;
                default -> "/srv/**/capps" + i;
            };
            files.append("      - {pattern: \"").append(p).append("\", permissions: [read], qualifiers: [deny]}\n");
            procs.append("      - {pattern: \"/srv/capx").append(i).append("\", permissions: [exec], qualifiers: [deny]}\n");
            egress.append("          - {cidr: 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24, qualifiers: [deny]}\n");
            mounts.append("      - {sourcePattern: \"/capmnt").append(i).append("**\", fstype: \"*\", flags: [bind],")
                    .append(" qualifiers: [deny]}\n");
        }
        return "mode: EnhanceProtect\nenhanceProtect:\n  privileged: true\n  bpfRawRules:\n    files:\n" + files
                + "    processes:\n" + procs + "    network:\n      egress:\n        toDestinations:\n" + egress
                + "    mounts:\n" + mounts;
    }

    static void run(BpfEnforcer e, String vp, Guest.Holder a) throws Exception {
        Guest.Holder r = Guest.holder("r", EnforcementGuestMain.SETUP + """
                mkdir -p /srv/cap /srv/capp1021
                echo x > /srv/cap/f1020; echo x > /srv/cap/other; echo x > /srv/capp1021/x
                echo x > /srv/out/capsuffix1022; echo x > /srv/out/capps1023
                cp /bin/true /srv/capx1023; cp /bin/true /srv/out/truecopy
                """);
        long t0 = System.nanoTime();
        EnforcerProfile big = Guest.compile(e, "big", bigPolicy());
        print("cap.compile_ms", (System.nanoTime() - t0) / 1_000_000);
        BpfTables t = io.varmor.api.io.Manifests.json().readValue(big.content(), BpfTables.class);
        print("cap.rows", t.files().size() + "/" + t.processes().size() + "/" + t.egress().size() + "/" + t.mounts().size());
        t0 = System.nanoTime();
        TargetBinding tb = new TargetBinding("big", r.mntns(), 0, r.pid(), System.currentTimeMillis(), Guest.attrs("big"));
        Enforcer.Applied applied = e.apply(big, tb);
        print("cap.apply_ms", (System.nanoTime() - t0) / 1_000_000);
        report("cap.file_exact_last", inside(r, vp, "open", "/srv/cap/f1020"));
        report("cap.file_other", inside(r, vp, "open", "/srv/cap/other"));
        report("cap.file_prefix_last", inside(r, vp, "open", "/srv/capp1021/x"));
        report("cap.file_suffix_last", inside(r, vp, "open", "/srv/out/capsuffix1022"));
        report("cap.file_ps_last", inside(r, vp, "open", "/srv/out/capps1023"));
        report("cap.exec_last", inside(r, "/srv/capx1023"));
        report("cap.exec_other", inside(r, "/srv/out/truecopy"));
        report("cap.egress_last", inside(r, vp, "connect", "10.3.255.1", "80"));
        report("cap.egress_other", inside(r, vp, "connect", "127.0.0.1", "80"));
        report("cap.mount_last", inside(r, vp, "mount", "/capmnt1023", "/srv/mnt", "none", "bind"));
        report("cap.mount_other", inside(r, vp, "mount", "/srv/out", "/srv/mnt", "none", "bind"));

        BpfRuntime rt = e.runtime();
        EnforcerProfile small = Guest.compile(e, "deny", EnforcementGuestMain.POLICIES.get("deny"));
        BpfTables st = io.varmor.api.io.Manifests.json().readValue(small.content(), BpfTables.class);
        int id = rt.ensureProfile(st, sha(small.content()));
        int before = rt.boundCount();
        int capacity = 16384;
        t0 = System.nanoTime();
        int bound = 0;
        for (long fake = 1; rt.boundCount() < capacity; fake++) {
            rt.bind(fake, id, new TargetBinding("deny", fake, 0, 0, 0, Map.of()));
            bound++;
        }
        print("cap.ns_bind_ms", (System.nanoTime() - t0) / 1_000_000);
        print("cap.ns_bound", rt.boundCount());
        try {
            rt.bind(999_999, id, new TargetBinding("deny", 999_999, 0, 0, 0, Map.of()));
            print("cap.ns_overflow", "no error");
        } catch (EnforcementException x) {
            print("cap.ns_overflow", x.getMessage());
        }
        int profilesBefore = rt.profileCount();
        try {
            EnforcerProfile other = Guest.compile(e, "overflow", EnforcementGuestMain.POLICIES.get("audit"));
            e.apply(other, new TargetBinding("overflow", 888_888, 0, 0, 0, Map.of()));
            print("cap.apply_overflow", "no error");
        } catch (EnforcementException x) {
            print("cap.apply_overflow", x.getMessage());
        }
        print("cap.apply_overflow_left_profiles", rt.profileCount() - profilesBefore);
        report("cap.full_table_enforces", inside(a, vp, "open", "/srv/secret/key"));
        report("cap.full_table_big_enforces", inside(r, vp, "open", "/srv/cap/f1020"));
        for (long fake = 1; fake <= bound; fake++) {
            rt.unbind(fake, id);
        }
        print("cap.ns_after", rt.boundCount() - before);
        applied.close();
        report("cap.after_unbind", inside(r, vp, "open", "/srv/cap/f1020"));
        r.process().destroyForcibly();
    }

    static byte[] sha(String s) throws Exception {
        return java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
