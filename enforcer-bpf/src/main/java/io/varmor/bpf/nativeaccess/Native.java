package io.varmor.bpf.nativeaccess;

import java.util.function.Supplier;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** Lazily loaded libbpf ({@code libbpf.so.1}, Debian package libbpf1) plus errno and memory helpers. */
final class Native {
    static final String LIBRARY = "libbpf.so.1";

    private Native() {
    }

    private static final class LibcHolder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    }

    static LibC libc() {
        return LibcHolder.LIBC;
    }

    private static final class Holder {
        static final LibBpf LIB;
        static final Throwable FAILURE;

        static {
            LibBpf lib = null;
            Throwable failure = null;
            try {
                lib = LibraryLoader.create(LibBpf.class).failImmediately().load(LIBRARY);
            } catch (Throwable t) {
                failure = t;
            }
            LIB = lib;
            FAILURE = failure;
        }
    }

    static LibBpf lib() {
        if (Holder.LIB == null) {
            throw new BpfException("load " + LIBRARY + " (install libbpf1): " + Holder.FAILURE, 0);
        }
        return Holder.LIB;
    }

    static Runtime runtime() {
        return Runtime.getRuntime(lib());
    }

    /** errno saved by the last {@code @SaveError} call on this thread; read it only right after a failure. */
    static int errno() {
        return LastError.getLastError(runtime());
    }

    static Pointer copyIn(byte[] bytes) {
        Pointer p = Memory.allocateDirect(runtime(), Math.max(1, bytes.length), true);
        p.put(0, bytes, 0, bytes.length);
        return p;
    }

    static Pointer allocate(int size) {
        return Memory.allocateDirect(runtime(), Math.max(1, size), true);
    }

    /** Runs {@code body} with libbpf's stderr logging switched off (used for diagnostic re-loads). */
    static <T> T quietly(Supplier<T> body) {
        Pointer previous = lib().libbpf_set_print(null);
        try {
            return body.get();
        } finally {
            lib().libbpf_set_print(previous);
        }
    }
}
