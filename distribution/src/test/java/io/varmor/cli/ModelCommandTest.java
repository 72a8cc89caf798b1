package io.varmor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.ArmorProfileModel;
import io.varmor.api.io.Manifests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model a scripted workload with Seccomp, enforce the generated DefenseInDepth policy: the same workload passes, one
 * deviation is denied and reported, and {@code varmor simulate} predicts that denial.
 */
class ModelCommandTest {
    @TempDir
    static Path dir;
    static Path workload;

    @BeforeAll
    static void workload() throws Exception {
        HostRequirement.seccompAndRoot();
        workload = dir.resolve("work.sh");
        Files.writeString(workload, """
                #!/bin/sh
                cat /etc/os-release > /dev/null
                echo hello > %s/out.txt
                ls %s > /dev/null
                """.formatted(dir, dir));
        workload.toFile().setExecutable(true);
    }

    @Test
    void theGeneratedPolicyAllowsTheWorkloadAndDeniesADeviation() throws Exception {
        CliTest.Run model = CliTest.run("model", "--name", "work", "--out", dir.toString(), "--", workload.toString());
        assertEquals(0, model.exit(), model.err());
        ArmorProfileModel m = Manifests.parseOne(Files.readString(dir.resolve("work.model.yaml")), ArmorProfileModel.class);
        List<String> syscalls = m.data().dynamicResult().seccomp().syscalls();
        assertTrue(syscalls.contains("execve") && syscalls.contains("newfstatat") || syscalls.contains("execve"), syscalls.toString());
        assertTrue(!syscalls.contains("unshare"), syscalls.toString());
        Path policy = dir.resolve("work.policy.yaml");

        assertEquals(0, CliTest.run("validate", policy.toString()).exit());
        CliTest.Run same = CliTest.run("run", "--policy", policy.toString(), "--events", dir.resolve("same.jsonl").toString(),
                "--", workload.toString());
        assertEquals(0, same.exit(), same.err());
        assertTrue(!Files.exists(dir.resolve("same.jsonl")) || Files.readString(dir.resolve("same.jsonl")).isBlank(),
                "the modelled workload runs without violations");

        String deviant = workload + "; unshare -m true";
        Path events = dir.resolve("deviant.jsonl");
        CliTest.Run dev = CliTest.run("run", "--policy", policy.toString(), "--events", events.toString(), "--", "sh", "-c", deviant);
        assertTrue(dev.exit() != 0, "unshare is outside the model");
        JsonNode first = Manifests.json().readTree(Files.readAllLines(events).get(0));
        assertEquals("DENIED", first.get("action").asText());
        assertEquals("unshare", first.at("/event/syscall").asText());

        CliTest.Run devModel = CliTest.run("model", "--name", "deviant", "--out", dir.toString(), "--", "sh", "-c", deviant);
        assertEquals(0, devModel.exit(), devModel.err());
        CliTest.Run sim = CliTest.run("simulate", "--policy", policy.toString(), "--model", dir.resolve("deviant.model.yaml").toString());
        assertEquals(1, sim.exit(), sim.out());
        assertTrue(sim.out().contains("Seccomp would deny syscall unshare"), sim.out());
    }

    @Test
    void aBurstOfSyscallsLosesNothing() throws Exception {
        // 200,000 logged getppid calls flood the Seccomp log path; the syscall after them must still be in the model
        CliTest.Run r = CliTest.run("model", "--name", "burst", "--out", dir.toString(), "--", "python3", "-c",
                "import os\nfor _ in range(200000): os.getppid()\nos.sched_yield()");
        assertEquals(0, r.exit(), r.err());
        io.varmor.testkit.KernelRequirement.assumeOrFail(r.err().contains("lossless syscall recording with bpf-sysrec"),
                "the BPF syscall recorder did not start here: " + r.err());
        ArmorProfileModel m = Manifests.parseOne(Files.readString(dir.resolve("burst.model.yaml")), ArmorProfileModel.class);
        List<String> syscalls = m.data().dynamicResult().seccomp().syscalls();
        assertTrue(syscalls.contains("getppid") && syscalls.contains("sched_yield"), syscalls.toString());
        System.out.println("[model burst] " + r.err().lines().filter(l -> l.contains("modelled")).findFirst().orElse(""));
    }

    @Test
    void durationStopsALongRunningCommand() {
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run("model", "--name", "sleeper", "--duration", "2s", "--out", dir.toString(), "--", "sleep", "60");
        assertEquals(0, r.exit(), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "stopped by the duration");
        assertTrue(Files.exists(dir.resolve("sleeper.policy.yaml")));
    }
}
