package io.varmor.k8s.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls until a condition holds (tests never sleep a fixed time for correctness). */
public final class Await {
    private Await() {}

    public static void until(String what, Duration timeout, BooleanSupplier cond) {
        until(what, timeout, cond, () -> "");
    }

    public static void until(String what, Duration timeout, BooleanSupplier cond, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (cond.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // not yet
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what + " " + state.get());
    }
}
