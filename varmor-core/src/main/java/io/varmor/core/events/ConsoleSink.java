package io.varmor.core.events;

import io.varmor.api.event.ViolationEvent;
import io.varmor.api.io.Manifests;
import io.varmor.core.spi.EventSink;
import java.io.PrintStream;
import java.util.Map;

/** Prints events as one human line each, or as JSON lines. */
public final class ConsoleSink implements EventSink {
    private final PrintStream out;
    private final boolean json;

    public ConsoleSink(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public void accept(ViolationEvent e) {
        out.println(json ? Manifests.toJson(e) : human(e));
    }

    /** e.g. {@code varmor: DENIED by Seccomp (rule disallow-create-user-ns): syscall unshare by pid 42 (unshare)}. */
    public static String human(ViolationEvent e) {
        Map<String, Object> ev = e.event() == null ? Map.of() : e.event();
        StringBuilder sb = new StringBuilder("varmor: ").append(e.action()).append(" by ").append(e.enforcer());
        if (e.ruleId() != null) {
            sb.append(" (rule ").append(e.ruleId()).append(')');
        }
        sb.append(": ");
        Object op = ev.get("operation");
        if (ev.containsKey("syscall")) {
            sb.append("syscall ").append(ev.get("syscall"));
        } else if (op != null) {
            sb.append(op.toString().toLowerCase());
            for (String k : new String[] {"permissions", "deniedMask", "path", "name", "capability", "address"}) {
                if (ev.containsKey(k) && !(k.equals("capability") && ev.containsKey("name"))) {
                    sb.append(' ').append(ev.get(k));
                }
            }
        }
        sb.append(" by pid ").append(e.pid());
        if (ev.containsKey("comm")) {
            sb.append(" (").append(ev.get("comm")).append(')');
        }
        return sb.toString();
    }
}
