package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.spi.RuleDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host-real: every profile varmor can generate compiles with the real {@code apparmor_parser -Q -K}. */
class ParserHostTest {
    private static final String[] MODES = {"AlwaysAllow", "RuntimeDefault", "EnhanceProtect", "BehaviorModeling"};
    private static final String[][] SWITCHES = {{"false", "false"}, {"false", "true"}, {"true", "false"}, {"true", "true"}};

    @TempDir
    Path dir;

    private static String policy(String mode, String enhance) {
        String body = "enforcer: AppArmor\nmode: " + mode + "\n";
        if (mode.equals("BehaviorModeling")) {
            body += "modelingOptions:\n  duration: 3\n";
        }
        return body + "enhanceProtect:\n" + enhance.stripTrailing().indent(2);
    }

    private static String text(String policyBody) {
        return Policies.text(Policies.ir(policyBody));
    }

    private void assertAllCompile(Map<String, String> profiles) throws Exception {
        HostParser parser = HostParser.require();
        long start = System.nanoTime();
        Map<String, String> failures = parser.check(profiles, dir);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("apparmor_parser -Q -K: %d profiles in %d ms (%.1f ms each)%n", profiles.size(), ms,
                (double) ms / Math.max(1, profiles.size()));
        assertEquals(Map.of(), failures);
    }

    @Test
    void everyBuiltinRuleCompilesInEveryModeDispositionAndPrivilege() throws Exception {
        HostParser.require();
        Map<String, String> profiles = new LinkedHashMap<>();
        Map<String, String> seen = new LinkedHashMap<>();
        int skipped = 0;
        long renderStart = System.nanoTime();
        for (RuleDefinition d : new BuiltinRules().rules()) {
            if (!CoverageTest.covered(d, true, List.of())) {
                skipped++;
                continue;
            }
            for (String mode : MODES) {
                for (boolean privileged : new boolean[] {false, true}) {
                    for (String[] sw : SWITCHES) {
                        if (!mode.equals("EnhanceProtect") && sw != SWITCHES[0]) {
                            continue;
                        }
                        String enhance = "hardeningRules: [" + d.id() + "]\nprivileged: " + privileged
                                + "\nallowViolations: " + sw[0] + "\nauditViolations: " + sw[1] + "\n";
                        String key = d.id() + " " + mode + " privileged=" + privileged + " allow=" + sw[0] + " audit=" + sw[1];
                        String t = text(policy(mode, enhance));
                        if (seen.putIfAbsent(t, key) == null) {
                            profiles.put(key, t);
                        }
                    }
                }
            }
            String targeted = "attackProtectionRules:\n- rules: [" + d.id() + "]\n  targets: [/bin/bash, /usr/bin/python3]\n";
            profiles.put(d.id() + " targeted", text(policy("EnhanceProtect", targeted)));
            profiles.put(d.id() + " targeted audit", text(policy("EnhanceProtect", targeted
                    + "privileged: true\nallowViolations: true\nauditViolations: true\n")));
        }
        System.out.printf("rendered %d distinct profiles in %d ms; %d built-ins skipped (not AppArmor-enforceable)%n",
                profiles.size(), (System.nanoTime() - renderStart) / 1_000_000, skipped);
        assertAllCompile(profiles);
    }

    @Test
    void allBuiltinRulesTogetherWithChildProfilesCompile() throws Exception {
        HostParser.require();
        List<String> ids = new ArrayList<>();
        for (RuleDefinition d : new BuiltinRules().rules()) {
            if (CoverageTest.covered(d, true, List.of())) {
                ids.add(d.id());
            }
        }
        Map<String, String> profiles = new LinkedHashMap<>();
        for (boolean privileged : new boolean[] {false, true}) {
            for (String[] sw : SWITCHES) {
                String enhance = "hardeningRules: [" + String.join(", ", ids) + "]\n"
                        + "attackProtectionRules:\n"
                        + "- rules: [mitigate-sa-leak, disable-network, disable-write-etc]\n  targets: [/bin/bash, /usr/bin/perl]\n"
                        + "- rules: [disable-cap-all, disallow-mount-procfs]\n  targets: [/usr/bin/python3]\n"
                        + "appArmorRawRules:\n- rules: |\n    deny /tmp/raw r,\n    audit /tmp/raw2 w,\n"
                        + "- rules: \"deny network packet,\"\n  targets: [/usr/sbin/tcpdump]\n"
                        + "privileged: " + privileged + "\nallowViolations: " + sw[0] + "\nauditViolations: " + sw[1] + "\n";
                profiles.put("all privileged=" + privileged + " " + sw[0] + "/" + sw[1], text(policy("EnhanceProtect", enhance)));
            }
        }
        assertAllCompile(profiles);
    }

    @Test
    void rawBpfRulesWithAwkwardPathsCompileForAppArmor() throws Exception {
        String enhance = """
                privileged: true
                bpfRawRules:
                  files:
                  - pattern: "/tmp/we ird?{x}[y],#z=(q)/**"
                    permissions: [read, write]
                    qualifiers: [deny]
                  - pattern: "secret*.key"
                    permissions: [all]
                    qualifiers: [audit, deny]
                  processes:
                  - pattern: /opt/app/bin/**
                    permissions: [exec]
                    qualifiers: [audit]
                  network:
                    sockets:
                    - domains: [all]
                      types: [raw, packet]
                      qualifiers: [deny]
                    - domains: [inet, inet6, netlink]
                      qualifiers: [deny]
                    - protocols: [tcp, udp, icmp]
                      qualifiers: [deny]
                    - domains: [xdp, mctp, vsock, bluetooth]
                      types: [stream, dgram, seqpacket, rdm]
                      qualifiers: [audit]
                  ptrace:
                    strictMode: true
                    permissions: [all]
                    qualifiers: [deny]
                  mounts:
                  - sourcePattern: /proc**
                    fstype: "*"
                    flags: [bind, rbind, move, remount, make-private, make-rshared, make-slave, make-unbindable, umount]
                    qualifiers: [deny]
                  - sourcePattern: "**"
                    fstype: tmpfs
                    flags: [all]
                    qualifiers: [audit, deny]
                """;
        assertAllCompile(Map.of("raw bpf", text(policy("EnhanceProtect", enhance))));
    }

    @Test
    void defenseInDepthCustomProfilesCompile() throws Exception {
        Map<String, String> profiles = new LinkedHashMap<>();
        for (boolean allow : new boolean[] {false, true}) {
            profiles.put("did allow=" + allow, text("""
                    enforcer: AppArmor
                    mode: DefenseInDepth
                    defenseInDepth:
                      allowViolations: %s
                      appArmor:
                        profileType: Custom
                        customProfile: |
                          ## custom allow-list
                          abi <abi/3.0>,
                          #include <tunables/global>
                          profile varmor-demo-demo flags=(attach_disconnected,mediate_deleted) {
                            #include <abstractions/base>
                            /usr/bin/** rix,
                            /etc/** r,
                            network inet stream,
                          } # end
                        appArmorRawRules:
                        - rules: "deny /etc/shadow r,"
                        - rules: "/tmp/** rw,\\n/dev/@{varmor_disk_devices} r,"
                          targets: [/usr/bin/env]
                    """.formatted(allow)));
        }
        assertAllCompile(profiles);
    }

    @Test
    void profilesGeneratedFromABehaviourModelCompileAndListOnlyWhatWasSeen() throws Exception {
        var model = new io.varmor.api.model.DynamicResult(
                new io.varmor.api.model.AppArmorResult(List.of("varmor-local-m"), List.of("/usr/bin/cat", "/usr/bin/we ird"),
                        List.of(new io.varmor.api.model.FileAccess("/etc/os-release", null, List.of("r"), null),
                                new io.varmor.api.model.FileAccess("/usr/lib/x86_64-linux-gnu/**", null, List.of("r", "m"), null),
                                new io.varmor.api.model.FileAccess("/tmp/**", null, List.of("w", "a"), null)),
                        List.of("chown"), new io.varmor.api.model.AppArmorNetworks(
                                List.of(new io.varmor.api.model.SocketUse("inet", "stream", null)), List.of()),
                        List.of(new io.varmor.api.model.PeerAccess("unconfined", List.of("read"))), List.of(), List.of()),
                new io.varmor.api.model.BpfResult(List.of("/usr/bin/id"),
                        List.of(new io.varmor.api.model.FileAccess("/etc/passwd", null, List.of("read"), null)),
                        List.of("net_bind_service"), new io.varmor.api.model.BpfNetwork(
                                List.of(new io.varmor.api.model.SocketUse("10", "2", "0")), List.of()), List.of(), List.of()),
                null);
        String text = Policies.ENFORCER.profileFromModel("varmor-local-m", model).orElseThrow();
        assertEquals(text, Policies.ENFORCER.profileFromModel("varmor-local-m", model).orElseThrow(), "deterministic");
        for (String line : List.of("/usr/bin/cat rix,", "\"/usr/bin/we ird\" rix,", "/usr/bin/id rix,", "/etc/os-release r,",
                "/etc/passwd r,", "/usr/lib/x86_64-linux-gnu/** rm,", "/tmp/** w,", "capability chown,",
                "capability net_bind_service,", "network inet stream,", "network inet6 dgram,", "ptrace (read) peer=unconfined,")) {
            assertTrue(text.contains("  " + line + "\n"), line + " in\n" + text);
        }
        assertTrue(!text.contains("\n  file,") && !text.contains("mount"), "deny-by-default: no blanket or mount rules\n" + text);
        assertAllCompile(Map.of("model", text));
    }

    @Test
    void brokenRawRuleIsTracedBackToItsPolicyField() throws Exception {
        HostParser parser = HostParser.require();
        var ir = Policies.enhance("""
                hardeningRules: [disable-cap-all]
                appArmorRawRules:
                - rules: "deny /tmp/a r,"
                - rules: |
                    deny /tmp/b r,
                    capability bogus_cap,
                """);
        RenderedProfile r = Policies.ENFORCER.render(ir);
        String stderr = parser.errors(r.text(), dir);
        assertTrue(stderr.contains("Invalid capability bogus_cap"), stderr);
        assertEquals("spec.policy.enhanceProtect.appArmorRawRules[1].rules line 2: Invalid capability bogus_cap.",
                ParserErrors.explain(stderr, r));
    }

    @Test
    void brokenCustomProfileLineIsTracedBackToTheCustomProfile() throws Exception {
        HostParser parser = HostParser.require();
        var ir = Policies.ir("""
                enforcer: AppArmor
                mode: DefenseInDepth
                defenseInDepth:
                  appArmor:
                    profileType: Custom
                    customProfile: |
                      abi <abi/3.0>,
                      profile varmor-demo-demo {
                        /etc/** rx
                        /usr/** r,
                      }
                """);
        RenderedProfile r = Policies.ENFORCER.render(ir);
        String stderr = parser.errors(r.text(), dir);
        List<ParserErrors.Located> located = ParserErrors.locate(stderr, r);
        assertEquals(1, located.size(), stderr);
        assertEquals("spec.policy.defenseInDepth.appArmor.customProfile", located.get(0).origin().get().origin());
        assertEquals(4, located.get(0).origin().get().rawLine(), stderr);
    }
}
