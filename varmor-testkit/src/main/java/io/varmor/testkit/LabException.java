package io.varmor.testkit;

/** The lab failed after its prerequisites were found: boot failure, guest death, protocol error. */
public class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed (includes the guest console tail when relevant)
     * @param cause   underlying cause, may be null
     */
    public LabException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what failed */
    public LabException(String message) {
        super(message);
    }
}
