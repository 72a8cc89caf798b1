package io.varmor.bpf.kernel;

/** A profile does not fit the kernel tables; the message names the table and its capacity. */
public class TableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TableException(String message) {
        super(message);
    }
}
