package io.varmor.seccomp.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Syscalls;
import io.varmor.seccomp.SeccompProfile;
import io.varmor.testkit.KernelRequirement;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A syscall varmor's table knows but the node's libseccomp cannot name (e.g. {@code mseal} for 2.5.4): libseccomp
 * only accepts its number for the native architecture, so a blocking rule must not silently vanish from a multi-arch
 * filter. Skipped when the installed libseccomp knows every syscall in varmor's table.
 */
class SeccompFilterBuilderUnknownSyscallTest {
    private static String name;
    private static int number;

    @BeforeAll
    static void findOne() {
        KernelRequirement.assumeOrFail(SeccompFilterBuilder.probe().isEmpty(), "libseccomp.so.2 is not installed");
        LibSeccomp lib = LibraryLoader.create(LibSeccomp.class).load("seccomp");
        Optional<String> unknown = Syscalls.X86_64.all().keySet().stream().filter(s -> lib.seccomp_syscall_resolve_name(s) < 0).findFirst();
        org.junit.jupiter.api.Assumptions.assumeTrue(unknown.isPresent(), "libseccomp knows every syscall varmor knows");
        name = unknown.get();
        number = Syscalls.X86_64.number(name).getAsInt();
    }

    private static SeccompProfile profile(String defaultAction, List<String> arches, String action) {
        return new SeccompProfile(defaultAction, null, arches, List.of(new SeccompProfile.Syscall(List.of(name), action, 1L, null)));
    }

    private static boolean comparesWith(Path bpf, int k) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(bpf)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 8 <= b.limit(); i += 8) {
            if ((b.getShort(i) & 0xff) == 0x15 && b.getInt(i + 4) == k) { // BPF_JMP|BPF_JEQ|BPF_K
                return true;
            }
        }
        return false;
    }

    @Test
    void aBlockingRuleOnAnUnnameableSyscallInAMultiArchFilterIsRefusedWithAClearReason(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SeccompFilterBuilder.export(profile("SCMP_ACT_ALLOW", null, "SCMP_ACT_ERRNO"), dir.resolve("f")));
        assertTrue(e.getMessage().contains("cannot name syscall " + name), e.getMessage());
    }

    @Test
    void aNativeOnlyFilterUsesVarmorsSyscallNumber(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f");
        SeccompFilterBuilder.export(profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64"), "SCMP_ACT_ERRNO"), f);
        assertTrue(comparesWith(f, number), name + " (" + number + ") is compared in the filter");
    }

    @Test
    void anAllowListEntryThatCannotBeNamedStaysAtTheStricterDefault(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f");
        SeccompFilterBuilder.export(profile("SCMP_ACT_ERRNO", null, "SCMP_ACT_ALLOW"), f);
        assertTrue(Files.size(f) > 0);
    }
}
