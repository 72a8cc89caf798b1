package io.varmor.testkit;

/**
 * The lab cannot run on this machine at all (no qemu, no static busybox, no kernel package reachable).
 * Tests translate this into a skip, or a failure under {@code VARMOR_REQUIRE_KERNEL_TESTS=1}.
 */
public class LabUnavailableException extends LabException {
    private static final long serialVersionUID = 1L;

    /** @param reason why the lab cannot run, with a hint how to fix it */
    public LabUnavailableException(String reason) {
        super(reason);
    }

    /**
     * @param reason why the lab cannot run
     * @param cause  underlying cause
     */
    public LabUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
