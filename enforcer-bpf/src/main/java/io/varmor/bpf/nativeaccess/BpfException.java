package io.varmor.bpf.nativeaccess;

/**
 * A failed libbpf / bpf(2) operation, naming the call and the errno, e.g.
 * {@code BPF_PROG_LOAD lsm/file_open (lab_file_open): EPERM}.
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    /**
     * @param call  what failed (libbpf function or bpf command plus object names)
     * @param errno positive errno, 0 when unknown
     */
    public BpfException(String call, int errno) {
        super(errno == 0 ? call : call + ": " + Errno.name(errno));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    /** The failed call, without the errno. */
    public String call() {
        return call;
    }

    /** Positive errno, 0 when unknown. */
    public int errno() {
        return errno;
    }

    /** Symbolic errno, e.g. {@code EPERM}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
