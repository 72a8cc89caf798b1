package io.varmor.apparmor;

import io.varmor.apparmor.ProfileLines.Line;
import io.varmor.core.ir.IrRule;
import io.varmor.core.ir.PolicyIR;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a {@link PolicyIR} as AppArmor profile text (spec §3, §6). Pure and deterministic: the same IR gives the
 * same bytes. Every line that comes from the policy remembers its origin (see {@link RenderedProfile}).
 */
public final class ProfileRenderer {
    /** First line of every generated profile. */
    public static final String HEADER = "## == Managed by varmor == ##";
    /** Marks a profile that must be loaded in complain mode ({@code apparmor_parser -C}). */
    public static final String COMPLAIN_MARKER = "## mode: complain";
    /** Replaced on the node by the definition of {@code @{varmor_disk_devices}} (see {@link DiskDevices}). */
    public static final String DISK_PLACEHOLDER = "## varmor: @{varmor_disk_devices} is defined here on the node";
    /** The origin of RuntimeDefault's own lines (as the BPF enforcer names them). */
    public static final String RUNTIME_DEFAULT_ORIGIN = "runtime-default";
    /** Flags of every generated profile and child profile. */
    static final String FLAGS = "flags=(attach_disconnected,mediate_deleted)";

    /** Renders {@code ir}; throws {@link IllegalArgumentException} when the IR cannot become an AppArmor profile. */
    public RenderedProfile render(PolicyIR ir) {
        return switch (ir.base()) {
            case NONE -> layered(ir, List.of(), "BehaviorModeling: empty body, loaded in complain mode", false);
            case ALWAYS_ALLOW -> layered(ir, BaseBodies.alwaysAllow(), "AlwaysAllow", true);
            case RUNTIME_DEFAULT -> layered(ir, BaseBodies.runtimeDefault(ir.profileName(), ir.baseDisposition()),
                    "RuntimeDefault", false);
            case ALLOW_LIST -> DefenseInDepthProfile.render(ir, this);
        };
    }

    private RenderedProfile layered(PolicyIR ir, List<String> base, String baseName, boolean ptraceAllowedByBase) {
        String name = ir.profileName();
        ProfileLines body = new ProfileLines();
        body.add(1, "#include <abstractions/base>");
        body.add(0, "");
        body.add(1, "# base: " + baseName);
        String baseOrigin = baseOrigin(ir);
        base.forEach(l -> body.add(1, l, baseOrigin, 0));
        List<Line> global = globalRules(ir, ptraceAllowedByBase);
        if (!global.isEmpty()) {
            body.add(0, "");
            body.addAll(indent(global, 1));
        }
        children(ir, base, ptraceAllowedByBase, global, body);
        ProfileLines out = header(ir, body);
        out.add(0, "profile " + name + " " + FLAGS + " {");
        out.addAll(body.lines());
        out.add(0, "}");
        return out.build();
    }

    private static String baseName(PolicyIR ir) {
        return ir.base() == PolicyIR.Base.RUNTIME_DEFAULT ? "RuntimeDefault" : "AlwaysAllow";
    }

    private static String baseOrigin(PolicyIR ir) {
        return ir.base() == PolicyIR.Base.RUNTIME_DEFAULT ? RUNTIME_DEFAULT_ORIGIN : null;
    }

    /** Header comment lines, the disk-device placeholder when needed, abi and tunables. */
    private static ProfileLines header(PolicyIR ir, ProfileLines body) {
        ProfileLines out = new ProfileLines();
        out.add(0, HEADER);
        if (ir.complain()) {
            out.add(0, COMPLAIN_MARKER);
        }
        out.add(0, "");
        out.add(0, "abi <abi/3.0>,");
        out.add(0, "");
        out.add(0, "#include <tunables/global>");
        if (body.contains(AaSyntax.DISK_VARIABLE)) {
            out.add(0, DISK_PLACEHOLDER);
        }
        out.add(0, "");
        return out;
    }

    /** The rules that apply to the whole target, with a comment naming each origin. */
    List<Line> globalRules(PolicyIR ir, boolean ptraceAllowedByBase) {
        return ruleBlock(ir.rules().stream().filter(r -> r.targets().isEmpty()).toList(), ir.profileName(),
                ptraceAllowedByBase, new HashSet<>());
    }

    /** Transitions in the parent and the child profile blocks, appended to {@code body} at indent 1. */
    void children(PolicyIR ir, List<String> base, boolean ptraceAllowedByBase, List<Line> global, ProfileLines body) {
        String name = ir.profileName();
        List<IrRule> targeted = ir.rules().stream().filter(r -> !r.targets().isEmpty()).toList();
        List<ChildProfiles.Child> children = ChildProfiles.of(targeted, r -> identity(r, name, ptraceAllowedByBase));
        for (ChildProfiles.Child c : children) {
            String origin = c.rules().get(0).origin();
            body.add(0, "");
            body.add(1, "# executables entering " + name + "//" + c.name());
            for (String t : c.targets()) {
                body.add(1, AaSyntax.literalPath(t) + " cx -> " + c.name() + ",", origin, 0);
            }
            body.add(1, "signal (send) peer=" + name + "//" + c.name() + ",");
            body.add(1, "ptrace (trace, read) peer=" + name + "//" + c.name() + ",");
        }
        for (ChildProfiles.Child c : children) {
            body.add(0, "");
            body.add(1, "profile " + c.name() + " " + FLAGS + " {");
            body.add(2, "#include <abstractions/base>");
            if (!base.isEmpty()) {
                body.add(2, "# base: " + baseName(ir));
            }
            base.forEach(l -> body.add(2, l, baseOrigin(ir), 0));
            for (String t : c.targets()) {
                body.add(2, AaSyntax.literalPath(t) + " rix,");
            }
            body.add(2, "signal (receive) peer=" + name + ",");
            body.add(2, "ptrace (tracedby, readby) peer=" + name + ",");
            if (!global.isEmpty()) {
                body.add(2, "# rules of the whole target");
                body.addAll(indent(global, 2));
            }
            Set<String> seen = new HashSet<>();
            global.forEach(l -> seen.add(l.text()));
            List<Line> own = ruleBlock(c.rules(), name, ptraceAllowedByBase, seen);
            if (!own.isEmpty()) {
                body.add(2, "# rules for " + String.join(", ", c.targets()));
                body.addAll(indent(own, 2));
            }
            body.add(1, "}");
        }
    }

    /** Rule lines with an origin comment per origin; non-raw lines already in {@code seen} are dropped. */
    private static List<Line> ruleBlock(List<IrRule> rules, String profile, boolean ptraceAllowedByBase, Set<String> seen) {
        List<Line> out = new ArrayList<>();
        String last = null;
        for (IrRule r : rules) {
            List<Line> lines = ruleLines(r, profile, ptraceAllowedByBase);
            if (!(r instanceof IrRule.RawAppArmor)) {
                lines = lines.stream().filter(l -> seen.add(l.text())).toList();
            }
            if (lines.isEmpty()) {
                continue;
            }
            if (!r.origin().equals(last)) {
                out.add(Line.of(0, "# " + r.origin()));
                last = r.origin();
            }
            out.addAll(lines);
        }
        return out;
    }

    static List<Line> ruleLines(IrRule r, String profile, boolean ptraceAllowedByBase) {
        List<Line> out = new ArrayList<>();
        if (r instanceof IrRule.RawAppArmor raw) {
            for (RawRules.Line l : RawRules.lines(raw.text())) {
                out.add(new Line(0, l.text(), new RenderedProfile.LineOrigin(r.origin(), l.number())));
            }
            return out;
        }
        for (String text : RuleLines.render(r, profile, ptraceAllowedByBase)) {
            out.add(new Line(0, text, new RenderedProfile.LineOrigin(r.origin(), 0)));
        }
        return out;
    }

    private static String identity(IrRule r, String profile, boolean ptraceAllowedByBase) {
        StringBuilder b = new StringBuilder(r.origin());
        ruleLines(r, profile, ptraceAllowedByBase).forEach(l -> b.append('\n').append(l.text()));
        return b.toString();
    }

    static List<Line> indent(List<Line> lines, int by) {
        return lines.stream().map(l -> l.indented(by)).toList();
    }
}
