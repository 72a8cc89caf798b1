package org.example.varmor.landlock;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Asks the kernel for its Landlock ABI version: {@code landlock_create_ruleset(NULL, 0,
 * LANDLOCK_CREATE_RULESET_VERSION)}, through libc's {@code syscall} (jnr-ffi). The syscall number, 444, is the same on
 * every architecture that has Landlock (they were numbered after the tables were unified), except alpha.
 */
public final class AbiProbe {
    static final long SYS_LANDLOCK_CREATE_RULESET = 444;
    static final int EOPNOTSUPP = 95;
    static final int ENOSYS = 38;

    /** libc's variadic {@code syscall}, declared with the argument types this call uses. */
    public interface LibC {
        long syscall(long number, Pointer attr, long size, long flags);
    }

    /**
     * What the kernel answered.
     *
     * @param abi the ABI version (1 or more), or 0 when the call failed
     * @param errno the error when it failed
     */
    public record Result(int abi, int errno) {
        public boolean ok() {
            return abi > 0;
        }
    }

    private AbiProbe() {}

    /** Calls the kernel; throws {@link LinkageError} or a runtime exception when libc cannot be bound here. */
    public static Result probe() {
        LibC libc = LibraryLoader.create(LibC.class).load("c");
        long v = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, null, 0, 1);
        if (v > 0) {
            return new Result((int) v, 0);
        }
        return new Result(0, Runtime.getRuntime(libc).getLastError());
    }

    /** Linux release that introduced each ABI version, for messages. */
    static String linuxFor(int abi) {
        switch (abi) {
            case 1: return "5.13";
            case 2: return "5.19";
            case 3: return "6.2";
            case 4: return "6.7";
            case 5: return "6.10";
            case 6: return "6.12";
            case 7: return "6.15";
            default: return abi > 7 ? "6.15+" : "?";
        }
    }
}
