package io.varmor.core.engine;

import java.io.IOException;

/**
 * Forwards SIGTERM and SIGHUP that varmor receives to the sandboxed command. SIGINT from a terminal already reaches
 * the command (same process group), so varmor ignores it and waits for the command instead.
 */
final class Signals {
    private Signals() {}

    @SuppressWarnings("removal")
    static void forwardTo(Process p) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> { });
            for (String name : new String[] {"TERM", "HUP"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> send(p, name));
            }
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // signal not supported on this platform: nothing to forward
        }
    }

    private static void send(Process p, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            p.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
