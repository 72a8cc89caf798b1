package io.varmor.bpf.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varmor.testkit.GuestJava;
import io.varmor.testkit.KernelLabExtension;
import io.varmor.testkit.Lab;
import io.varmor.testkit.Result;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The BPF enforcer's lab benchmark ({@link BenchGuestMain}); runs only with {@code -Dvarmor.bench=true} (minutes of
 * TCG time), e.g. {@code mvn -pl enforcer-bpf install -Dtest=BpfBenchmarkInLabTest -Dvarmor.bench=true}. Prints a
 * Markdown table of ratios; asserts nothing about speed.
 */
@Tag("kernel-lab")
@ExtendWith(KernelLabExtension.class)
class BpfBenchmarkInLabTest {

    @Test
    void printsPerOperationCostRatios(Lab lab) {
        Assumptions.assumeTrue(Boolean.getBoolean("varmor.bench"), "benchmark: run with -Dvarmor.bench=true");
        String reps = System.getProperty("varmor.bench.repeats", "11");
        Result r = lab.run(GuestJava.argv(BenchGuestMain.class, VProbe.binary().toString(), reps), Duration.ofMinutes(60),
                Path.of("/"));
        System.out.println("[kernel-lab] benchmark in " + r.duration().toMillis() + " ms\n" + r.stdout());
        assertEquals(0, r.exitCode(), r::describe);
    }

    /** What the BPF recorder of a modelling target receives and loses ({@link RecorderGuestMain}). */
    @Test
    void printsTheRecordersLosslessEventRate(Lab lab) {
        Assumptions.assumeTrue(Boolean.getBoolean("varmor.bench"), "benchmark: run with -Dvarmor.bench=true");
        Result r = lab.run(GuestJava.argv(RecorderGuestMain.class, VProbe.binary().toString(),
                System.getProperty("varmor.bench.opens", "300000")), Duration.ofMinutes(30), Path.of("/"));
        System.out.println("[kernel-lab] recorder throughput in " + r.duration().toMillis() + " ms\n" + r.stdout());
        assertEquals(0, r.exitCode(), r::describe);
    }
}
