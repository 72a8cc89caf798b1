package io.varmor.bpf;

import io.varmor.bpf.nativeaccess.BpfException;
import io.varmor.bpf.nativeaccess.BpfLink;
import io.varmor.bpf.nativeaccess.BpfMap;
import io.varmor.bpf.nativeaccess.BpfObject;
import io.varmor.core.ir.Syscalls;
import io.varmor.core.spi.EnforcementException;
import io.varmor.core.spi.SyscallRecorderProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lossless syscall recording for behaviour modelling ({@code bpf/src/sysrec.bpf.c}): a {@code raw_tp/sys_enter}
 * program sets one bit per syscall number in a bitmap per watched mount namespace. Nothing is sent per syscall, so
 * nothing can be dropped however fast the target calls (the Seccomp log path depends on kauditd's backlog and printk
 * limits). Works wherever raw tracepoints load — which includes hosts that refuse BPF LSM programs.
 *
 * <p>Limits: a process that moves to another mount namespace is no longer recorded; numbers are read with the
 * x86_64 table (32-bit entry points number differently and are recorded by the Seccomp path only).
 */
public final class SyscallRecorder implements SyscallRecorderProvider.Recorder {
    /** Classpath resource of the compiled object. */
    public static final String RESOURCE = "/bpf/sysrec.bpf.o";
    static final String MAP = "v_sysrec";
    static final String PROGRAM = "va_sys_enter";
    static final int WORDS = 8;

    private final BpfObject object;
    private final BpfLink link;
    private final BpfMap map;

    private SyscallRecorder(BpfObject object, BpfLink link) {
        this.object = object;
        this.link = link;
        this.map = object.map(MAP);
    }

    /** Loads and attaches the recorder. */
    public static SyscallRecorder start() throws EnforcementException {
        byte[] elf;
        try (InputStream in = SyscallRecorder.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new EnforcementException(RESOURCE + " is not on the classpath (built without bpf/build.sh)");
            }
            elf = in.readAllBytes();
        } catch (IOException e) {
            throw new EnforcementException(e.getMessage(), e);
        }
        BpfObject o = null;
        try {
            o = BpfObject.openMem(elf, "sysrec");
            o.loadQuietly();
            BpfLink l = o.program(PROGRAM).attach();
            return new SyscallRecorder(o, l);
        } catch (BpfException | IllegalStateException | UnsatisfiedLinkError e) {
            if (o != null) {
                o.close();
            }
            throw new EnforcementException("raw_tp/sys_enter: " + e.getMessage(), e);
        }
    }

    /** The {@link SyscallRecorderProvider} registered for {@link java.util.ServiceLoader}. */
    public static final class Provider implements SyscallRecorderProvider {
        @Override
        public String id() {
            return "bpf-sysrec";
        }

        @Override
        public Recorder start() throws EnforcementException {
            return SyscallRecorder.start();
        }
    }

    /** Starts recording a mount namespace (before its first instruction runs, to miss nothing). */
    @Override
    public void watch(long mntns) {
        map.update(key(mntns), new byte[WORDS * 8], BpfMap.ANY);
    }

    /** Syscalls made in {@code mntns} since {@link #watch}, by x86_64 name, in number order. */
    @Override
    public List<String> syscalls(long mntns) {
        List<String> out = new ArrayList<>();
        Optional<byte[]> v = map.lookup(key(mntns));
        if (v.isEmpty()) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(v.get()).order(ByteOrder.LITTLE_ENDIAN);
        for (int w = 0; w < WORDS; w++) {
            long bits = b.getLong(w * 8);
            for (int i = 0; i < 64; i++) {
                if ((bits & (1L << i)) != 0) {
                    out.add(Syscalls.X86_64.name(w * 64 + i));
                }
            }
        }
        return out;
    }

    /** Stops recording {@code mntns} and forgets its bitmap. */
    @Override
    public void unwatch(long mntns) {
        map.delete(key(mntns));
    }

    private static byte[] key(long mntns) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) mntns).array();
    }

    @Override
    public void close() {
        link.close();
        object.close();
    }
}
