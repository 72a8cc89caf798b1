package io.varmor.core.spi;

/** An enforcer failed to apply or remove a profile; the message says what the kernel or tool answered. */
public class EnforcementException extends Exception {
    public EnforcementException(String message) {
        super(message);
    }

    public EnforcementException(String message, Throwable cause) {
        super(message, cause);
    }
}
