package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.io.Manifests;
import io.varmor.testkit.GuestJava;
import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code varmor run} in the kernel lab: representative AppArmor denials for a confined command, each with an allowed
 * control, the child-profile case of spec §16 case 20, and BPF LSM denials (write under /etc, shell as the first exec).
 * One guest JVM runs every scenario.
 */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class LocalRunInLabTest {
    record Outcome(int exit, List<JsonNode> events) {}

    static Map<String, Outcome> outcomes;
    static final Map<String, ArmorProfileModel> MODELS = new LinkedHashMap<>();
    /** The scripted workload modelled with BPF: execs, file reads, a write and an append, a TCP connect. */
    static final String BPF_WORKLOAD = "cat /etc/os-release > /tmp/varmor-model-out; id -un >> /tmp/varmor-model-out; "
            + "(: <>/dev/tcp/127.0.0.1/9) 2>/dev/null; true";
    static String guestLog;

    static final String TOKEN = "/run/secrets/kubernetes.io/serviceaccount/token";

    @BeforeAll
    static void runScenarios(Lab lab) throws Exception {
        Path res = Fixtures.root().resolve("distribution/src/test/resources/lab");
        String aa = res.resolve("apparmor-enhance.yaml").toString();
        String child = res.resolve("apparmor-child.yaml").toString();
        List<String> args = new ArrayList<>();
        scenario(args, "sa-token-denied", aa, "cat", TOKEN);
        scenario(args, "os-release-allowed", aa, "cat", "/etc/os-release");
        scenario(args, "etc-write-denied", aa, "touch", "/etc/varmor-lab-new");
        scenario(args, "tmp-write-allowed", aa, "touch", "/tmp/varmor-lab-new");
        scenario(args, "shell-denied", aa, "sh", "-c", "true");
        scenario(args, "ls-allowed", aa, "ls", "/");
        scenario(args, "net-admin-denied", aa, "ip", "link", "add", "vlab0", "type", "dummy");
        scenario(args, "chown-allowed", aa, "chown", "nobody", "/tmp/varmor-lab-new");
        scenario(args, "af-alg-denied", aa, "python3", "-c", "import socket; socket.socket(38, 5, 0)");
        scenario(args, "af-inet-allowed", aa, "python3", "-c", "import socket; socket.socket(2, 1, 0)");
        scenario(args, "mount-denied", aa, "mount", "-t", "tmpfs", "none", "/mnt");
        scenario(args, "bash-child-denied", child, "bash", "-c", "cat " + TOKEN);
        scenario(args, "cat-direct-allowed", child, "cat", TOKEN);
        String bpf = Fixtures.root().resolve("examples/demo/bpf.yaml").toString();
        scenario(args, "bpf-etc-write-denied", bpf, "touch", "/etc/varmor-lab-bpf");
        scenario(args, "bpf-tmp-write-allowed", bpf, "touch", "/tmp/varmor-lab-bpf");
        scenario(args, "bpf-shell-denied", bpf, "sh", "-c", "true");
        scenario(args, "bpf-id-allowed", bpf, "id", "-un");
        String learned = LabScenarios.MODEL_DIR + "/aa-model.policy.yaml";
        scenario(args, "aa-model", "@model:AppArmor", "cat", "/etc/os-release");
        scenario(args, "aa-model-replay", learned, "cat", "/etc/os-release");
        scenario(args, "aa-model-other-exec", learned, "id", "-un");
        scenario(args, "aa-model-other-file", learned, "cat", "/etc/hostname");
        // after the BPF scenarios above in the same JVM: every run's complain events reach its own model
        scenario(args, "bpf-model", "@model:BPF", "bash", "-c", BPF_WORKLOAD);
        String learnedBpf = LabScenarios.MODEL_DIR + "/bpf-model.policy.yaml";
        scenario(args, "bpf-model-replay", learnedBpf, "bash", "-c", BPF_WORKLOAD);
        scenario(args, "bpf-model-other-exec", learnedBpf, "ls", "/");
        scenario(args, "bpf-model-other-file", learnedBpf, "cat", "/etc/hostname");
        scenario(args, "bpf-model-deviation", "@model:BPF", "cat", "/etc/hostname"); // what simulation replays
        List<String> java = GuestJava.argv(LabScenarios.class, args.toArray(String[]::new));
        // A private mount namespace with a writable overlay on /etc (the host root is read-only in the guest)
        // and a service-account token under /run.
        String script = Fixtures.inPrivateEtc("mkdir -p /run/secrets/kubernetes.io/serviceaccount; echo lab-token > "
                + TOKEN + "; ", java);
        Result r = lab.run(script, Duration.ofMinutes(8), Path.of("/"));
        guestLog = r.stdout() + "\n" + r.stderr();
        outcomes = new LinkedHashMap<>();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("MODEL ")) {
                String[] m = line.split(" ", 3);
                MODELS.put(m[1], Manifests.parseOne(m[2].replace('\u0001', '\n'), ArmorProfileModel.class));
                continue;
            }
            if (!line.startsWith("RESULT ")) {
                continue;
            }
            String[] f = line.split(" ", 4);
            List<JsonNode> events = new ArrayList<>();
            if (f.length > 3) {
                for (String e : f[3].split("\u0001")) {
                    if (!e.isBlank()) {
                        events.add(Manifests.json().readTree(e));
                    }
                }
            }
            outcomes.put(f[1], new Outcome(Integer.parseInt(f[2]), events));
        }
        assertEquals(1 + args.stream().filter(";;"::equals).count(), (long) outcomes.size(), "every scenario ran; guest output:\n" + guestLog);
    }

    private static void scenario(List<String> args, String name, String policy, String... cmd) {
        if (!args.isEmpty()) {
            args.add(";;");
        }
        args.add(name);
        args.add(policy);
        args.addAll(List.of(cmd));
    }

    static void assertDenied(String name, String rule) {
        assertDenied(name, "AppArmor", rule);
    }

    static void assertDenied(String name, String enforcer, String rule) {
        Outcome o = outcomes.get(name);
        assertNotEquals(0, o.exit(), name + " should be denied\n" + guestLog);
        assertNotEquals(125, o.exit(), name + ": varmor failed\n" + guestLog);
        assertTrue(o.events().stream().anyMatch(e -> e.get("enforcer").asText().equals(enforcer)
                        && e.get("action").asText().equals("DENIED") && e.path("ruleId").asText().equals(rule)),
                name + " should report a DENIED " + enforcer + " event from " + rule + ": " + o.events());
    }

    static void assertAllowed(String name) {
        Outcome o = outcomes.get(name);
        assertEquals(0, o.exit(), name + " should be allowed\n" + guestLog);
        assertTrue(o.events().stream().noneMatch(e -> e.get("action").asText().equals("DENIED")), name + ": " + o.events());
    }

    @Test
    void serviceAccountTokenReadIsDenied() {
        assertDenied("sa-token-denied", "mitigate-sa-leak");
        assertAllowed("os-release-allowed");
    }

    @Test
    void writingUnderEtcIsDenied() {
        assertDenied("etc-write-denied", "disable-write-etc");
        assertAllowed("tmp-write-allowed");
    }

    @Test
    void runningAShellIsDeniedEvenAsTheFirstExec() {
        assertDenied("shell-denied", "disable-shell");
        assertEquals(126, outcomes.get("shell-denied").exit());
        assertAllowed("ls-allowed");
    }

    @Test
    void aPrivilegedCapabilityIsDeniedAndADefaultOneIsNot() {
        assertDenied("net-admin-denied", "disable-cap-privileged");
        assertAllowed("chown-allowed");
    }

    @Test
    void anAddressFamilyIsDenied() {
        assertDenied("af-alg-denied", "copy-fail-mitigation");
        assertAllowed("af-inet-allowed");
    }

    @Test
    void mountingIsDeniedByTheRuntimeDefaultBase() {
        Outcome o = outcomes.get("mount-denied");
        assertNotEquals(0, o.exit(), guestLog);
        assertTrue(o.events().stream().anyMatch(e -> e.get("action").asText().equals("DENIED")), o.events().toString());
    }

    @Test
    void bpfDeniesAWriteUnderEtcAndAShellAsTheFirstExec() {
        assertDenied("bpf-etc-write-denied", "BPF", "disable-write-etc");
        assertAllowed("bpf-tmp-write-allowed");
        assertEquals(126, outcomes.get("bpf-shell-denied").exit(), guestLog);
        assertAllowed("bpf-id-allowed");
    }

    @Test
    void rulesScopedToBashApplyOnlyUnderBash() {
        assertDenied("bash-child-denied", "mitigate-sa-leak");
        assertAllowed("cat-direct-allowed");
    }

    @Test
    void bpfComplainEventsBecomeTheBpfPartOfAModelWithEveryActionOfTheWorkload() {
        assertEquals(0, outcomes.get("bpf-model").exit(), guestLog);
        var bpf = MODELS.get("bpf-model").data().dynamicResult().bpf();
        assertTrue(bpf != null, guestLog);
        for (String exe : List.of("/bash", "/cat", "/id")) {
            assertTrue(bpf.executions().stream().anyMatch(e -> e.endsWith(exe)), exe + " in " + bpf.executions());
        }
        // /etc/os-release is a symlink: BPF sees the kernel-resolved path
        assertTrue(bpf.files().stream().anyMatch(f -> f.path().endsWith("/os-release") && f.permissions().contains("read")),
                bpf.files().toString());
        assertTrue(bpf.files().stream().anyMatch(f -> f.path().equals("/tmp/**") && f.permissions().containsAll(List.of("write", "append"))),
                "the write and the append (/tmp paths are generalised): " + bpf.files());
        assertTrue(bpf.network().sockets().stream().anyMatch(u -> u.domain().equals("AF_INET") && u.type().equals("SOCK_STREAM")),
                "the TCP socket: " + bpf.network().sockets());
        assertTrue(guestLog.lines().noneMatch(l -> l.contains("events were lost") || l.contains("events were dropped")),
                "the recorder reported no loss");
        System.out.println("[kernel-lab] " + ModelCommand.coverage(MODELS.get("bpf-model").data().dynamicResult()).get(0)
                + " (the scripted workload; model " + Manifests.toYaml(MODELS.get("bpf-model")).length() + " bytes of YAML)");
    }

    @Test
    void simulationPredictsExactlyTheDenialsTheBpfAllowListProduces() throws Exception {
        var learned = io.varmor.core.model.ModelPolicies.defenseInDepth("bpf-model", "local",
                MODELS.get("bpf-model").data().dynamicResult(), false, true, Map.of(), false);
        var compiled = new io.varmor.core.compile.PolicyCompiler(io.varmor.core.plugin.Plugins.discover(),
                io.varmor.core.compile.CompileOptions.DEFAULT).compile(learned, new io.varmor.api.io.SourceMap());
        List<String> predicted = io.varmor.core.model.Simulator.simulate(compiled,
                MODELS.get("bpf-model-deviation").data().dynamicResult()).stream().map(f -> f.action()).toList();
        List<String> enforced = outcomes.get("bpf-model-other-file").events().stream()
                .filter(e -> e.get("action").asText().equals("DENIED"))
                .map(e -> e.path("event").path("permissions").path(0).asText() + " " + e.path("event").path("path").asText())
                .distinct().toList();
        assertEquals(List.of("read /etc/hostname"), enforced, guestLog);
        assertEquals(enforced, predicted);
    }

    @Test
    void aModelLearnedThroughBpfBecomesADenyByDefaultBpfAllowList() {
        assertEquals(0, outcomes.get("bpf-model").exit(), guestLog);
        assertAllowed("bpf-model-replay");
        Outcome exec = outcomes.get("bpf-model-other-exec");
        assertEquals(126, exec.exit(), "an executable never seen while learning is denied\n" + guestLog);
        assertTrue(exec.events().stream().anyMatch(e -> e.get("enforcer").asText().equals("BPF")
                && e.get("action").asText().equals("DENIED") && e.path("ruleId").asText().equals("varmor:outside-allow-list")
                && e.path("event").path("path").asText().endsWith("/ls")), exec.events().toString());
        Outcome file = outcomes.get("bpf-model-other-file");
        assertEquals(1, file.exit(), "a file never read while learning is denied\n" + guestLog);
        assertTrue(file.events().stream().anyMatch(e -> e.get("action").asText().equals("DENIED")
                && e.path("event").path("path").asText().equals("/etc/hostname")), file.events().toString());
    }

    @Test
    void aModelLearnedInAppArmorComplainModeBecomesADenyByDefaultProfile() throws Exception {
        assertEquals(0, outcomes.get("aa-model").exit(), guestLog);
        var aa = MODELS.get("aa-model").data().dynamicResult().appArmor();
        assertTrue(aa != null && aa.executions().stream().anyMatch(e -> e.endsWith("/cat")), String.valueOf(aa));
        assertAllowed("aa-model-replay");
        Outcome exec = outcomes.get("aa-model-other-exec");
        assertEquals(126, exec.exit(), "an executable never seen while learning is denied\n" + guestLog);
        assertTrue(exec.events().stream().anyMatch(e -> e.get("enforcer").asText().equals("AppArmor")
                && e.get("action").asText().equals("DENIED")), exec.events().toString());
        Outcome file = outcomes.get("aa-model-other-file");
        assertEquals(1, file.exit(), "a file never read while learning is denied\n" + guestLog);
        assertTrue(file.events().stream().anyMatch(e -> e.get("action").asText().equals("DENIED")
                && e.path("event").path("name").asText().equals("/etc/hostname")), file.events().toString());
    }
}
