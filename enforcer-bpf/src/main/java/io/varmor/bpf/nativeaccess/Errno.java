package io.varmor.bpf.nativeaccess;

import java.util.Map;

/** Symbolic names of the Linux x86-64 errno values libbpf and the bpf(2) syscall report. */
public final class Errno {
    private static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"),
            Map.entry(3, "ESRCH"), Map.entry(4, "EINTR"), Map.entry(5, "EIO"), Map.entry(7, "E2BIG"),
            Map.entry(9, "EBADF"), Map.entry(11, "EAGAIN"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"),
            Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"), Map.entry(28, "ENOSPC"), Map.entry(34, "ERANGE"),
            Map.entry(38, "ENOSYS"), Map.entry(95, "EOPNOTSUPP"), Map.entry(524, "ENOTSUPP"));

    private Errno() {
    }

    /** @return e.g. {@code EPERM} for 1, {@code errno 4711} for unknown values */
    public static String name(int errno) {
        return NAMES.getOrDefault(Math.abs(errno), "errno " + Math.abs(errno));
    }
}
