package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varmor.core.ir.PolicyIR;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleAttributionTest {
    private static final PolicyIR IR = Policies.enhance("""
            hardeningRules: [disable-cap-privileged, disallow-debug-disk-device]
            attackProtectionRules:
            - rules: [disable-shell, disable-write-etc, disable-network]
            - rules: [mitigate-sa-leak]
              targets: [/usr/bin/python3]
            vulMitigationRules: [copy-fail-mitigation]
            appArmorRawRules:
            - rules: "deny /opt/secret/** r,"
            auditViolations: true
            """);
    private static final RuleAttribution RULES = RuleAttribution.of(Policies.ENFORCER.render(IR));

    private static Optional<String> rule(String fields) {
        return RULES.ruleFor(AuditRecords.parse("type=AVC msg=audit(1712345678.1:1): " + fields + " pid=1 comm=\"x\"").orElseThrow());
    }

    @Test
    void fileAndExecDenialsNameTheirRule() {
        assertEquals(Optional.of("disable-shell"), rule("apparmor=\"DENIED\" operation=\"exec\" profile=\"varmor-demo-demo\" "
                + "name=\"/usr/bin/bash\" requested_mask=\"x\" denied_mask=\"x\""));
        assertEquals(Optional.of("disable-write-etc"), rule("apparmor=\"DENIED\" operation=\"mknod\" profile=\"varmor-demo-demo\" "
                + "name=\"/etc/new\" requested_mask=\"c\" denied_mask=\"c\""));
        assertEquals(Optional.of("spec.policy.enhanceProtect.appArmorRawRules[0]"), rule("apparmor=\"DENIED\" operation=\"open\" "
                + "profile=\"varmor-demo-demo\" name=\"/opt/secret/key\" requested_mask=\"r\" denied_mask=\"r\""));
        assertEquals(Optional.of("disallow-debug-disk-device"), rule("apparmor=\"DENIED\" operation=\"open\" "
                + "profile=\"varmor-demo-demo\" name=\"/dev/sda1\" requested_mask=\"r\" denied_mask=\"r\""));
    }

    @Test
    void readingEtcIsNotBlamedOnAWriteRule() {
        assertEquals(Optional.empty(), rule("apparmor=\"DENIED\" operation=\"open\" profile=\"varmor-demo-demo\" "
                + "name=\"/etc/hosts\" requested_mask=\"r\" denied_mask=\"r\""));
    }

    @Test
    void capabilityNetworkAndBaseDenialsNameTheirRule() {
        assertEquals(Optional.of("disable-cap-privileged"), rule("apparmor=\"DENIED\" operation=\"capable\" "
                + "profile=\"varmor-demo-demo\" capability=12 capname=\"net_admin\""));
        assertEquals(Optional.empty(), rule("apparmor=\"DENIED\" operation=\"capable\" profile=\"varmor-demo-demo\" "
                + "capability=0 capname=\"chown\""));
        assertEquals(Optional.of("copy-fail-mitigation"), rule("apparmor=\"DENIED\" operation=\"create\" "
                + "profile=\"varmor-demo-demo\" family=\"alg\" sock_type=\"seqpacket\" protocol=0 requested_mask=\"create\" denied_mask=\"create\""));
        assertEquals(Optional.of("disable-network"), rule("apparmor=\"DENIED\" operation=\"create\" "
                + "profile=\"varmor-demo-demo\" family=\"inet\" sock_type=\"stream\" protocol=6 requested_mask=\"create\" denied_mask=\"create\""));
        assertEquals(Optional.of("runtime-default"), rule("apparmor=\"DENIED\" operation=\"mount\" profile=\"varmor-demo-demo\" "
                + "name=\"/mnt/\" fstype=\"tmpfs\" srcname=\"none\" flags=\"rw\""));
        assertEquals(Optional.of("runtime-default"), rule("apparmor=\"DENIED\" operation=\"open\" profile=\"varmor-demo-demo\" "
                + "name=\"/sys/kernel/security/apparmor/profiles\" requested_mask=\"r\" denied_mask=\"r\""));
    }

    @Test
    void childProfileRecordsAreMatchedWithinTheChild() {
        String read = " operation=\"open\" name=\"/run/secrets/kubernetes.io/serviceaccount/token\" requested_mask=\"r\" denied_mask=\"r\"";
        assertEquals(Optional.of("mitigate-sa-leak"), rule("apparmor=\"DENIED\" profile=\"varmor-demo-demo//child_0\"" + read));
        assertEquals(Optional.empty(), rule("apparmor=\"DENIED\" profile=\"varmor-demo-demo\"" + read));
    }

    @Test
    void originsSurviveTheTripThroughEnforcerProfileMetadata() {
        var compiled = Policies.ENFORCER.compile(IR);
        RenderedProfile back = RenderedProfile.of(compiled.content(), compiled.metadata());
        assertEquals(Policies.ENFORCER.render(IR).origins(), back.origins());
    }
}
