package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.PolicyIR;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileRendererTest {
    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).map(String::strip).toList();
    }

    private static String mode(String mode) {
        return Policies.text(Policies.ir("enforcer: AppArmor\nmode: " + mode + "\n"));
    }

    @Test
    void everyProfileStartsWithTheSpecHeader() {
        String text = mode("RuntimeDefault");
        List<String> l = lines(text);
        assertEquals("## == Managed by varmor == ##", l.get(0));
        assertTrue(l.contains("abi <abi/3.0>,"));
        assertTrue(l.contains("#include <tunables/global>"));
        int profile = l.indexOf("profile varmor-demo-demo flags=(attach_disconnected,mediate_deleted) {");
        assertTrue(profile > 0);
        assertEquals("#include <abstractions/base>", l.get(profile + 1));
        assertEquals("}", l.get(l.size() - 1));
    }

    @Test
    void compilationIsDeterministic() {
        String body = "enforcer: AppArmor\nmode: EnhanceProtect\nenhanceProtect:\n  hardeningRules: [disable-cap-all]\n"
                + "  attackProtectionRules:\n  - rules: [mitigate-sa-leak]\n    targets: [/bin/bash]\n";
        PolicyIR a = Policies.ir(body);
        PolicyIR b = Policies.ir(body);
        assertEquals(Policies.ENFORCER.compile(a), Policies.ENFORCER.compile(b));
        assertEquals("varmor-demo-demo.apparmor", Policies.ENFORCER.compile(a).fileName());
    }

    @Test
    void alwaysAllowAllowsEveryClassAndDeniesNothing() {
        List<String> l = lines(mode("AlwaysAllow"));
        for (String rule : List.of("file,", "capability,", "network,", "mount,", "remount,", "umount,", "pivot_root,",
                "ptrace,", "signal,", "dbus,", "unix,")) {
            assertTrue(l.contains(rule), rule);
        }
        assertTrue(l.stream().noneMatch(s -> s.startsWith("deny") || s.startsWith("audit")));
    }

    @Test
    void runtimeDefaultDeniesMountsSilently() {
        List<String> l = lines(mode("RuntimeDefault"));
        assertTrue(l.contains("deny mount,"));
        assertTrue(l.contains("deny /proc/{sysrq-trigger,mem,kmem,kcore} rwklx,"));
        assertFalse(l.contains("mount,"));
    }

    @Test
    void behaviorModelingIsAnEmptyProfileMarkedForComplainMode() {
        PolicyIR ir = Policies.ir("enforcer: AppArmor\nmode: BehaviorModeling\nmodelingOptions:\n  duration: 3\n");
        List<String> l = lines(Policies.text(ir));
        assertTrue(l.contains(ProfileRenderer.COMPLAIN_MARKER));
        int profile = l.indexOf("profile varmor-demo-demo flags=(attach_disconnected,mediate_deleted) {");
        List<String> body = l.subList(profile + 1, l.size() - 1).stream()
                .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        assertEquals(List.of(), body);
    }

    @Test
    void dispositionMatrixGivesTheSpecQualifiers() {
        String rules = "hardeningRules: [disallow-insmod]\nattackProtectionRules:\n- rules: [disable-shell]\n";
        List<String> deny = lines(Policies.text(Policies.enhance(rules)));
        List<String> denyAudit = lines(Policies.text(Policies.enhance(rules + "auditViolations: true\n")));
        List<String> audit = lines(Policies.text(Policies.enhance(rules + "auditViolations: true\nallowViolations: true\n")));
        List<String> allow = lines(Policies.text(Policies.enhance(rules + "allowViolations: true\n")));
        assertTrue(deny.contains("deny capability sys_module,"));
        assertTrue(deny.contains("deny /**/bash rx,"));
        assertTrue(denyAudit.contains("audit deny capability sys_module,"));
        assertTrue(denyAudit.contains("audit deny mount,"));
        assertTrue(audit.contains("audit capability sys_module,"));
        assertTrue(audit.contains("audit /**/bash rix,"));
        assertTrue(audit.contains("audit /sys/{firmware,devices/virtual/powercap,kernel/security}/** rwklix,"));
        assertTrue(allow.stream().noneMatch(s -> s.contains("sys_module") || s.contains("/**/bash")));
        assertTrue(allow.contains("mount,"));
        assertTrue(allow.contains("/proc/{sysrq-trigger,mem,kmem,kcore} rwklix,"));
    }

    @Test
    void privilegedPolicyLayersOnAlwaysAllowWithMountRules() {
        List<String> l = lines(Policies.text(Policies.enhance(
                "hardeningRules: [disallow-mount-procfs, disallow-mount-disk-device, disallow-mount]\nprivileged: true\n")));
        assertTrue(l.contains("pivot_root,"));
        assertTrue(l.contains("deny mount fstype=proc,"));
        assertTrue(l.contains("deny mount options=(bind) /proc**,"));
        assertTrue(l.contains("deny remount /proc**,"));
        assertTrue(l.contains("deny umount /proc**,"));
        assertTrue(l.contains("deny mount fstype=** /dev/@{varmor_disk_devices},"));
        assertTrue(l.contains("deny mount,"));
        assertTrue(l.contains(ProfileRenderer.DISK_PLACEHOLDER));
    }

    @Test
    void diskPlaceholderOnlyAppearsWhenTheVariableIsUsed() {
        assertFalse(mode("RuntimeDefault").contains(ProfileRenderer.DISK_PLACEHOLDER));
        String text = Policies.text(Policies.enhance("hardeningRules: [disallow-debug-disk-device]\n"));
        assertTrue(text.contains("deny /dev/@{varmor_disk_devices} rw,"));
        String defined = DiskDevices.define(text, List.of("sda", "sda1"));
        assertTrue(defined.contains("\n@{varmor_disk_devices}=sda sda1\n"));
        assertEquals(text.split("\n").length, defined.split("\n").length);
    }

    @Test
    void networkRulesFollowFamiliesAndTypes() {
        List<String> l = lines(Policies.text(Policies.enhance(
                "hardeningRules: [disable-tcp, disable-icmp, disable-inet6, copy-fail-mitigation, disable-network]\n")));
        assertTrue(l.containsAll(List.of("deny network inet stream,", "deny network inet6 stream,", "deny network inet raw,",
                "deny network inet6 raw,", "deny network inet6,", "deny network alg,", "deny network,")));
    }

    @Test
    void capabilityListsAreNamedAndAllCapabilitiesAreBare() {
        List<String> l = lines(Policies.text(Policies.enhance("hardeningRules: [disable-cap-all, disallow-load-bpf-prog]\n")));
        assertTrue(l.contains("deny capability,"));
        assertTrue(l.contains("deny capability sys_admin bpf,"));
    }

    @Test
    void crossContainerPtraceRuleExcludesTheProfileFamily() {
        List<String> l = lines(Policies.text(Policies.enhance("hardeningRules: [disallow-access-procfs-root]\n")));
        assertTrue(l.contains("deny ptrace (read) peer=" + AaSyntax.notFamily("varmor-demo-demo") + ","));
    }

    @Test
    void auditingPtraceNeverWidensTheRuntimeDefaultBase() {
        List<String> l = lines(Policies.text(Policies.enhance(
                "hardeningRules: [disallow-access-procfs-root]\nauditViolations: true\nallowViolations: true\n")));
        assertTrue(l.stream().noneMatch(s -> s.startsWith("audit ptrace")));
        List<String> priv = lines(Policies.text(Policies.enhance(
                "hardeningRules: [disallow-access-procfs-root]\nauditViolations: true\nallowViolations: true\nprivileged: true\n")));
        assertTrue(priv.contains("audit ptrace (read) peer=" + AaSyntax.notFamily("varmor-demo-demo") + ","));
    }

    @Test
    void identicalRuleLinesAreWrittenOnce() {
        String text = Policies.text(Policies.enhance(
                "attackProtectionRules:\n- rules: [mitigate-disk-device-number-leak, mitigate-overlayfs-leak]\n"));
        assertEquals(1, lines(text).stream().filter(s -> s.equals("deny /proc/**/mountinfo r,")).count());
    }

    @Test
    void childProfilesMergeIdenticalTargetsAndIdenticalRuleSets() {
        PolicyIR ir = Policies.enhance("""
                hardeningRules: [disable-cap-all]
                attackProtectionRules:
                - rules: [mitigate-sa-leak]
                  targets: [/bin/bash, /usr/bin/python3]
                - rules: [disable-write-etc]
                  targets: [/bin/bash]
                - rules: [mitigate-sa-leak]
                  targets: [/usr/bin/perl]
                appArmorRawRules:
                - rules: "deny /tmp/secret r,"
                  targets: [/usr/bin/node]
                """);
        List<String> l = lines(Policies.text(ir));
        assertTrue(l.contains("/bin/bash cx -> child_0,"));
        assertTrue(l.contains("/usr/bin/python3 cx -> child_1,"));
        assertTrue(l.contains("/usr/bin/perl cx -> child_1,"));
        assertTrue(l.contains("/usr/bin/node cx -> child_2,"));
        assertTrue(l.contains("signal (send) peer=varmor-demo-demo//child_0,"));
        assertTrue(l.contains("ptrace (trace, read) peer=varmor-demo-demo//child_2,"));
        assertEquals(3, l.stream().filter(s -> s.startsWith("profile child_")).count());
        List<String> child0 = block(l, "profile child_0 ");
        assertTrue(child0.contains("/bin/bash rix,"));
        assertTrue(child0.contains("deny mount,"), "child carries the base");
        assertTrue(child0.contains("deny capability,"), "child carries the rules of the whole target");
        assertTrue(child0.contains("deny /etc/** wl,"));
        assertTrue(child0.contains("deny /run/secrets/kubernetes.io/serviceaccount/** r,"));
        assertTrue(child0.contains("signal (receive) peer=varmor-demo-demo,"));
        assertTrue(child0.contains("ptrace (tracedby, readby) peer=varmor-demo-demo,"));
        List<String> child1 = block(l, "profile child_1 ");
        assertFalse(child1.contains("deny /etc/** wl,"));
        assertTrue(block(l, "profile child_2 ").contains("deny /tmp/secret r,"));
        List<String> parent = l.subList(0, l.indexOf(l.stream().filter(s -> s.startsWith("profile child_0")).findFirst().get()));
        assertFalse(parent.contains("deny /run/secrets/kubernetes.io/serviceaccount/** r,"), "targeted rules stay out of the parent");
    }

    @Test
    void rawRuleLinesKnowTheirPolicyField() {
        PolicyIR ir = Policies.enhance("appArmorRawRules:\n- rules: \"deny /a r,\"\n- rules: |\n    deny /b r,\n\n    deny /c w,\n");
        RenderedProfile r = Policies.ENFORCER.render(ir);
        List<String> l = Arrays.asList(r.text().split("\n"));
        int c = l.indexOf("  deny /c w,") + 1;
        assertEquals("spec.policy.enhanceProtect.appArmorRawRules[1].rules line 3", r.originOf(c).get().describe());
        int b = l.indexOf("  deny /b r,") + 1;
        assertEquals("spec.policy.enhanceProtect.appArmorRawRules[1].rules line 1", r.originOf(b).get().describe());
        int shell = l.indexOf("  deny /a r,") + 1;
        assertEquals("spec.policy.enhanceProtect.appArmorRawRules[0]", r.originOf(shell).get().origin());
        assertEquals("spec.policy.enhanceProtect.appArmorRawRules[1]", RenderedProfile.fromText(r.text()).originOf(c).get().origin());
    }

    @Test
    void defenseInDepthInsertsRawRulesAndChildrenBeforeTheLastBrace() {
        PolicyIR ir = Policies.ir("""
                enforcer: AppArmor
                mode: DefenseInDepth
                defenseInDepth:
                  allowViolations: true
                  appArmor:
                    profileType: Custom
                    customProfile: |
                      abi <abi/3.0>,
                      #include <tunables/global>
                      profile varmor-demo-demo flags=(attach_disconnected,mediate_deleted) {
                        #include <abstractions/base>
                        /usr/bin/** rix,
                      }
                    appArmorRawRules:
                    - rules: "deny /etc/shadow r,"
                    - rules: "/tmp/** rw,"
                      targets: [/usr/bin/env]
                """);
        RenderedProfile r = Policies.ENFORCER.render(ir);
        List<String> l = lines(r.text());
        assertEquals(ProfileRenderer.HEADER, l.get(0));
        assertTrue(l.contains(ProfileRenderer.COMPLAIN_MARKER));
        assertEquals("}", l.get(l.size() - 1));
        int raw = l.indexOf("deny /etc/shadow r,");
        assertTrue(raw > l.indexOf("/usr/bin/** rix,"));
        assertTrue(l.contains("/usr/bin/env cx -> child_0,"));
        assertTrue(block(l, "profile child_0 ").contains("/tmp/** rw,"));
        int custom = Arrays.asList(r.text().split("\n")).indexOf("  /usr/bin/** rix,") + 1;
        assertEquals("spec.policy.defenseInDepth.appArmor.customProfile line 5", r.originOf(custom).get().describe());
    }

    @Test
    void defenseInDepthFromABehaviourModelIsRefusedClearly() {
        String body = "enforcer: AppArmor\nmode: DefenseInDepth\ndefenseInDepth:\n  appArmor:\n    profileType: BehaviorModel\n";
        // core calls compile() while compiling the policy and reports the refusal as a validation error
        io.varmor.api.diag.InvalidInputException e = assertThrows(io.varmor.api.diag.InvalidInputException.class,
                () -> Policies.compile(body));
        io.varmor.api.diag.Diagnostic d = e.diagnostics().get(0);
        assertEquals(io.varmor.api.diag.ErrorId.ENFORCER_REJECTED, d.id());
        assertTrue(d.message().contains("profileType BehaviorModel"), d.message());
        assertTrue(d.message().contains("operator") && d.message().contains("varmor model --enforcer AppArmor"), d.message());
    }

    /** The lines of the block that starts with {@code header}, up to its closing brace. */
    private static List<String> block(List<String> l, String header) {
        int start = -1;
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).startsWith(header)) {
                start = i;
                break;
            }
        }
        int end = l.subList(start, l.size()).indexOf("}") + start;
        return l.subList(start, end);
    }
}
