package io.varmor.testkit;

import java.time.Duration;

/**
 * Outcome of one command run inside the lab guest.
 *
 * @param exitCode exit status (128+signal when killed; -1 when it never reported one)
 * @param stdout   captured standard output (UTF-8)
 * @param stderr   captured standard error (UTF-8)
 * @param duration host-side wall time from submission to result
 * @param timedOut whether the command hit its timeout and was killed
 */
public record Result(int exitCode, String stdout, String stderr, Duration duration, boolean timedOut) {

    /** True when the command exited 0 within its timeout. */
    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** Short multi-line description for assertion messages. */
    public String describe() {
        return "exit=" + exitCode + (timedOut ? " (timed out)" : "") + " in " + duration.toMillis() + " ms"
                + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}
