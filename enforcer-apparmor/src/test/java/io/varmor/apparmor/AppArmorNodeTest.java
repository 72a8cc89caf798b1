package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.spi.Availability;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.NodeCapabilities;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppArmorNodeTest {
    @TempDir
    Path dir;
    private final List<List<String>> calls = new ArrayList<>();
    private String namesOutput = "varmor-a-b\n";
    private AppArmorNode node;
    private Path profiles;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(dir.resolve("module"));
        Files.writeString(dir.resolve("module/enabled"), "Y\n");
        Files.createDirectories(dir.resolve("securityfs"));
        profiles = dir.resolve("securityfs/profiles");
        Files.writeString(profiles, "cri-containerd.apparmor.d (enforce)\nvarmor-old (complain)\n");
        Files.writeString(dir.resolve("partitions"), "major minor #blocks name\n 8 0 100 sda\n");
        node = new AppArmorNode(new AppArmorNode.Paths(dir.resolve("module/enabled"), dir.resolve("securityfs"),
                dir.resolve("apparmor.d"), dir.resolve("partitions"), "apparmor_parser"), (argv, in, t) -> {
                    calls.add(argv);
                    if (argv.contains("-N")) {
                        return new ProcessRunner.Result(0, namesOutput, "");
                    }
                    if (argv.contains("--version")) {
                        return new ProcessRunner.Result(0, "AppArmor parser version 3.0.8\n", "");
                    }
                    return new ProcessRunner.Result(0, "", "");
                });
    }

    private static NodeCapabilities caps(String... lsms) {
        return new NodeCapabilities("6.1.0", List.of(lsms), Map.of());
    }

    @Test
    void missingModuleMeansNotEnabledInTheKernel() {
        AppArmorNode bare = new AppArmorNode(new AppArmorNode.Paths(dir.resolve("nope/enabled"), dir, dir, dir, "x"),
                (a, i, t) -> new ProcessRunner.Result(0, "", ""));
        Availability a = bare.availability(caps());
        assertFalse(a.available());
        assertEquals("AppArmor: not enabled in the kernel (" + dir.resolve("nope/enabled") + " missing)", a.detail());
    }

    @Test
    void thisMachineReportsAppArmorMissingFromTheKernel() {
        Availability a = AppArmorNode.system().availability(caps());
        if (!Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"))) {
            assertEquals("AppArmor: not enabled in the kernel (/sys/module/apparmor/parameters/enabled missing)", a.detail());
        }
        System.out.println("host AppArmor availability: " + a);
    }

    @Test
    void availabilityNamesTheFirstMissingPiece() throws Exception {
        assertTrue(node.availability(caps("lockdown", "apparmor", "bpf")).available());
        assertEquals("AppArmor: enabled, AppArmor parser version 3.0.8", node.availability(caps()).detail());
        assertTrue(node.availability(caps("lockdown", "bpf")).detail().contains("not an active LSM"));
        Files.writeString(dir.resolve("module/enabled"), "N\n");
        assertTrue(node.availability(caps()).detail().startsWith("AppArmor: disabled in the kernel"));
    }

    @Test
    void loadedListsOnlyVarmorProfiles() throws Exception {
        assertEquals(Map.of("varmor-old", "complain"), node.loaded());
    }

    @Test
    void newProfileIsAddedAndLoadedProfileIsReplaced() throws Exception {
        String text = "## x\n" + ProfileRenderer.DISK_PLACEHOLDER + "\nprofile varmor-a-b {\n}\n";
        node.load("varmor-a-b", text, false);
        assertEquals(List.of("apparmor_parser", "-Ka", dir.resolve("apparmor.d/varmor-a-b").toString()), calls.get(1));
        assertTrue(Files.readString(dir.resolve("apparmor.d/varmor-a-b")).contains("@{varmor_disk_devices}=sda\n"));
        Files.writeString(profiles, "varmor-a-b (enforce)\n", java.nio.file.StandardOpenOption.APPEND);
        node.load("varmor-a-b", text, true);
        assertEquals("-KrC", calls.get(3).get(1));
    }

    @Test
    void foreignProfileNamesAreNeverTouched() {
        assertThrows(EnforcementException.class, () -> node.load("cri-containerd.apparmor.d", "profile x {}", false));
        assertThrows(EnforcementException.class, () -> node.remove("unconfined"));
        assertThrows(EnforcementException.class, () -> node.load("varmor-../../etc/x", "profile x {}", false));
        assertEquals(List.of(), calls);
    }

    @Test
    void textDeclaringAnotherProfileIsRefused() {
        namesOutput = "varmor-a-b\nvarmor-a-b//child_0\nsshd\n";
        EnforcementException e = assertThrows(EnforcementException.class,
                () -> node.load("varmor-a-b", "profile varmor-a-b {}\nprofile sshd {}\n", false));
        assertTrue(e.getMessage().contains("[sshd]"), e.getMessage());
        assertTrue(calls.stream().noneMatch(c -> c.contains("-Ka")));
    }

    @Test
    void removeUnloadsWithTheStoredFileAndDeletesIt() throws Exception {
        node.remove("varmor-old");
        assertEquals(List.of("apparmor_parser", "-R", dir.resolve("apparmor.d/varmor-old").toString()), calls.get(0));
        assertFalse(Files.exists(dir.resolve("apparmor.d/varmor-old")));
        calls.clear();
        node.remove("varmor-not-loaded");
        assertEquals(List.of(), calls);
    }

    @Test
    void parserFailureNamesThePolicyField() {
        node = new AppArmorNode(new AppArmorNode.Paths(dir.resolve("module/enabled"), dir.resolve("securityfs"),
                dir.resolve("apparmor.d"), dir.resolve("partitions"), "apparmor_parser"), (argv, in, t) ->
                argv.contains("-N") ? new ProcessRunner.Result(0, "varmor-a-b\n", "")
                        : new ProcessRunner.Result(1, "", "AppArmor parser error for f in profile f at line 4: Invalid capability bogus."));
        String text = "profile varmor-a-b {\n  # spec.policy.enhanceProtect.appArmorRawRules[0]\n  deny /a r,\n  capability bogus,\n}\n";
        EnforcementException e = assertThrows(EnforcementException.class, () -> node.load("varmor-a-b", text, false));
        assertEquals("AppArmor: loading varmor-a-b failed: spec.policy.enhanceProtect.appArmorRawRules[0]: Invalid capability bogus.",
                e.getMessage());
    }
}
