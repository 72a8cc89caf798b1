package io.varmor.bpf;

import io.varmor.bpf.nativeaccess.BpfException;
import io.varmor.bpf.nativeaccess.BpfObject;

/**
 * Whether this kernel accepts BPF LSM programs, found by loading (not attaching) the {@link LabSmoke} object.
 * On the firecracker CI host the answer is {@code program type lsm refused (EPERM)}; in the kernel lab it loads.
 *
 * @param supported whether an {@code lsm/*} program loads
 * @param detail    human-readable reason, e.g. {@code program type lsm refused (EPERM)}
 */
public record BpfLsmSupport(boolean supported, String detail) {

    /** Probes the running kernel (needs root and libbpf1). */
    public static BpfLsmSupport probe() {
        try (BpfObject o = BpfObject.openMem(LabSmoke.objectBytes(), "lab_smoke")) {
            o.loadQuietly(); // a refusal is an answer here, not an error for libbpf to print
            return new BpfLsmSupport(true, "program type lsm loads");
        } catch (BpfException e) {
            if (e.call().startsWith("BPF_PROG_LOAD lsm")) {
                return new BpfLsmSupport(false, "program type lsm refused (" + e.errnoName() + ")");
            }
            return new BpfLsmSupport(false, e.getMessage());
        }
    }
}
