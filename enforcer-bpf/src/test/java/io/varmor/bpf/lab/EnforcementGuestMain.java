package io.varmor.bpf.lab;

import static io.varmor.bpf.lab.Guest.inside;
import static io.varmor.bpf.lab.Guest.print;
import static io.varmor.bpf.lab.Guest.report;

import io.varmor.bpf.BpfEnforcer;
import io.varmor.bpf.BpfRuntime;
import io.varmor.core.engine.NodeProbe;
import io.varmor.core.spi.Enforcer;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.TargetBinding;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs INSIDE the kernel-lab guest (started by {@link BpfEnforcementInLabTest}): compiles policies, binds each to a
 * fresh mount namespace through {@link BpfEnforcer#apply}, performs the allowed and forbidden operations inside those
 * namespaces and in an unbound control namespace prepared the same way, and prints {@code key=value} results and the
 * events each namespace produced. Usage: {@code EnforcementGuestMain VPROBE}.
 */
public final class EnforcementGuestMain {
    private EnforcementGuestMain() {}

    static final String SETUP = """
            set -e
            mount -t tmpfs tmpfs /srv
            mkdir -p /srv/secret /srv/out /srv/home/.ssh /srv/um /srv/mnt
            echo topsecret > /srv/secret/key
            echo public > /srv/out/pub
            echo public > /srv/out/pub2
            echo public > /srv/out/pub3
            echo sshkey > /srv/home/.ssh/id_rsa
            ln -s /bin/bash /srv/out/bashlink
            cp /bin/bash /srv/out/notashell
            mount -t tmpfs tmpfs /srv/um
            E=$(mktemp -d /tmp/etc.XXXXXX)
            cp -a /etc/. "$E"/ 2>/dev/null || true
            mount --bind "$E" /etc
            """;

    /** The policies, by namespace name (spec.policy body after "enforcer: BPF"). */
    static final Map<String, String> POLICIES = new LinkedHashMap<>();

    static {
        POLICIES.put("a", """
                mode: EnhanceProtect
                enhanceProtect:
                  auditViolations: true
                  hardeningRules: [disable-cap-privileged, disallow-access-procfs-root]
                  attackProtectionRules:
                  - rules: [mitigate-sa-leak, disable-write-etc, block-access-to-metadata-service, copy-fail-mitigation,
                            disable-access-ssh-dir]
                  bpfRawRules:
                    files:
                    - {pattern: "/srv/secret/**", permissions: [read, write], qualifiers: [deny, audit]}
                    network:
                      egress:
                        toDestinations:
                        - {cidr: 192.168.1.0/24, ports: [{port: 80, endPort: 8080}], qualifiers: [deny, audit]}
                """);
        POLICIES.put("b", """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  auditViolations: true
                  attackProtectionRules: [{rules: [disable-shell, disable-tcp]}]
                """);
        POLICIES.put("c", """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  auditViolations: true
                  hardeningRules: [disallow-umount, disallow-create-user-ns]
                  bpfRawRules:
                    mounts:
                    - {sourcePattern: "/proc**", fstype: "*", flags: [bind], qualifiers: [deny, audit]}
                """);
        POLICIES.put("d", """
                mode: EnhanceProtect
                enhanceProtect:
                  bpfRawRules:
                    mounts:
                    - {sourcePattern: "/proc**", fstype: "*", flags: [bind], qualifiers: [deny]}
                """);
        POLICIES.put("deny", """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  attackProtectionRules: [{rules: [mitigate-sa-leak]}]
                """);
        POLICIES.put("audit", """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  allowViolations: true
                  auditViolations: true
                  attackProtectionRules: [{rules: [mitigate-sa-leak]}]
                """);
        POLICIES.put("allow", """
                mode: EnhanceProtect
                enhanceProtect:
                  privileged: true
                  allowViolations: true
                  attackProtectionRules: [{rules: [mitigate-sa-leak]}]
                """);
        POLICIES.put("complain", """
                mode: BehaviorModeling
                modelingOptions: {duration: 3}
                """);
    }

    static final String TOKEN = "/run/secrets/kubernetes.io/serviceaccount/token";

    /**
     * DefenseInDepth allow-lists (deny by default): vprobe may run, read /srv/out/pub, read and write /srv/out/pub2,
     * create TCP sockets and use CAP_SETUID; nothing else. {@code observe}: allowViolations.
     */
    static String allowList(String vprobe, boolean observe) {
        return """
                mode: DefenseInDepth
                defenseInDepth:
                  allowViolations: %s
                  bpf:
                    profileType: Custom
                    allowList:
                      executions: [%s]
                      files:
                      - {path: /srv/out/pub, permissions: [read]}
                      - {path: /srv/out/pub2, permissions: [read, write]}
                      capabilities: [setuid]
                      network:
                        sockets: [{domain: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_IP}]
                """.formatted(observe, vprobe);
    }

    public static void main(String[] args) throws Exception {
        String vp = args[0];
        String real = java.nio.file.Path.of(vp).toRealPath().toString();
        POLICIES.put("al", allowList(real, false));
        POLICIES.put("alobs", allowList(real, true));
        Guest.sh("""
                mkdir -p /run/secrets/kubernetes.io/serviceaccount && echo token > %s
                ip link set lo up
                for a in 169.254.169.254 100.96.0.96 192.168.1.5 192.168.2.5; do ip addr add $a/32 dev lo; done
                ip -6 addr add fd00:ec2::254/128 dev lo
                """.formatted(TOKEN));
        BpfEnforcer e = new BpfEnforcer();
        var node = new NodeProbe().probe();
        print("availability", e.availability(node));
        Map<String, Guest.Holder> ns = new LinkedHashMap<>();
        Map<String, Guest.Events> events = new LinkedHashMap<>();
        List<AutoCloseable> handles = new ArrayList<>();
        Guest.Holder ctl = Guest.holder("ctl", SETUP);
        long t0 = System.nanoTime();
        for (Map.Entry<String, String> p : POLICIES.entrySet()) {
            Guest.Holder h = Guest.holder(p.getKey(), SETUP);
            EnforcerProfile prof = Guest.compile(e, p.getKey(), p.getValue());
            TargetBinding tb = new TargetBinding(prof.fileName().replace(".bpf.json", ""), h.mntns(), 0, h.pid(),
                    System.currentTimeMillis(), Guest.attrs(p.getKey()));
            Guest.Events ev = new Guest.Events();
            handles.add(e.observe(tb, ev.list::add));
            handles.add(e.apply(prof, tb));
            ns.put(p.getKey(), h);
            events.put(p.getKey(), ev);
        }
        print("t.apply_ms", (System.nanoTime() - t0) / 1_000_000);
        print("runtime.origin", e.runtime().origin());
        Checks c = new Checks(vp, ns, ctl);
        c.all();
        Guest.sleep(Duration.ofMillis(300));
        for (AutoCloseable h : handles) {
            if (!(h instanceof Enforcer.Applied)) {
                h.close(); // flushes the ring buffer for that namespace
            }
        }
        events.forEach((k, v) -> v.print(k));
        print("stats", e.runtime().stats());
        Capacity.run(e, vp, ns.get("a"));
        for (AutoCloseable h : handles) {
            if (h instanceof Enforcer.Applied) {
                h.close();
            }
        }
        lateEvents(e, vp);
        print("after_unbind.bound", e.runtime().boundCount());
        print("after_unbind.profiles", e.runtime().profileCount());
        report("after_unbind.secret", inside(ns.get("a"), vp, "open", "/srv/secret/key"));
        e.uninstall();
        print("uninstalled", !java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/bpf/varmor")));
        ns.values().forEach(h -> h.process().destroyForcibly());
        ctl.process().destroyForcibly();
        BpfRuntime.class.getName();
    }

    /**
     * A denial still in the ring buffer when its namespace is unbound (the order `varmor run` closes in: the
     * binding, then the watch) keeps naming its rule.
     */
    private static void lateEvents(BpfEnforcer e, String vp) throws Exception {
        Guest.Holder h = Guest.holder("late", SETUP);
        EnforcerProfile prof = Guest.compile(e, "late", POLICIES.get("a"));
        TargetBinding tb = new TargetBinding(prof.fileName().replace(".bpf.json", ""), h.mntns(), 0, h.pid(),
                System.currentTimeMillis(), Guest.attrs("late"));
        Guest.Events ev = new Guest.Events();
        AutoCloseable watch = e.observe(tb, ev.list::add);
        AutoCloseable applied = e.apply(prof, tb);
        report("late.sa_token", inside(h, vp, "open", TOKEN));
        applied.close();
        watch.close();
        ev.print("late");
        h.process().destroyForcibly();
    }
}
