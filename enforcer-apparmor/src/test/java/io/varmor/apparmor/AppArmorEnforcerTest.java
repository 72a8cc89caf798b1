package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.EnforcerProfile;
import io.varmor.core.spi.TargetBinding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppArmorEnforcerTest {
    @TempDir
    Path dir;

    private final List<List<String>> calls = new ArrayList<>();

    private AppArmorEnforcer enforcer() throws Exception {
        Files.createDirectories(dir.resolve("fs"));
        Files.writeString(dir.resolve("fs/profiles"), "");
        return new AppArmorEnforcer(new AppArmorNode(new AppArmorNode.Paths(dir.resolve("enabled"), dir.resolve("fs"),
                dir.resolve("d"), dir.resolve("partitions"), "apparmor_parser"), (argv, in, t) -> {
                    calls.add(argv);
                    return new ProcessRunner.Result(0, argv.contains("-N") ? "varmor-demo-demo\n" : "", "");
                }));
    }

    private static TargetBinding target(String profile) {
        return new TargetBinding(profile, 4026532000L, 0, 4242, 0, Map.of("policyKind", "VarmorPolicy"));
    }

    @Test
    void launcherSwitchesToTheProfileOnExec() throws Exception {
        EnforcerProfile p = Policies.ENFORCER.compile(Policies.enhance("hardeningRules: [disable-cap-all]\n"));
        assertEquals(List.of("--apparmor", "varmor-demo-demo"), enforcer().launchArguments(p, dir));
    }

    @Test
    void applyLoadsInComplainModeWhenMarkedAndRemovesOnClose() throws Exception {
        AppArmorEnforcer e = enforcer();
        EnforcerProfile p = Policies.ENFORCER.compile(Policies.ir("enforcer: AppArmor\nmode: BehaviorModeling\n"
                + "modelingOptions:\n  duration: 3\n"));
        var applied = e.apply(p, target("varmor-demo-demo"));
        assertTrue(calls.stream().anyMatch(c -> c.get(1).equals("-KaC")), calls.toString());
        Files.writeString(dir.resolve("fs/profiles"), "varmor-demo-demo (complain)\n");
        applied.close();
        assertEquals("-R", calls.get(calls.size() - 1).get(1));
    }

    @Test
    void aProfileIsNotAppliedToAnotherTarget() throws Exception {
        EnforcerProfile p = Policies.ENFORCER.compile(Policies.enhance("hardeningRules: [disable-cap-all]\n"));
        assertThrows(EnforcementException.class, () -> enforcer().apply(p, target("varmor-demo-other")));
    }

    @Test
    void observedEventsCarryTheTargetAndTheirRule() throws Exception {
        AppArmorEnforcer e = enforcer();
        EnforcerProfile p = Policies.ENFORCER.compile(Policies.enhance("hardeningRules: [disable-cap-all]\n"));
        e.launchArguments(p, dir);
        var event = AuditRecords.parse("type=AVC msg=audit(1712345678.1:1): apparmor=\"DENIED\" operation=\"capable\" "
                + "profile=\"varmor-demo-demo\" pid=7 comm=\"ip\" capability=12 capname=\"net_admin\"").orElseThrow();
        var bound = AuditRecords.forTarget(event, target("varmor-demo-demo"), e.ruleFor("varmor-demo-demo", event));
        assertEquals("disable-cap-all", bound.ruleId());
        assertEquals(4026532000L, bound.mntNsID());
        assertEquals("VarmorPolicy", bound.policyKind());
    }
}
