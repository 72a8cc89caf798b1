package io.varmor.apparmor;

import io.varmor.apparmor.ProfileLines.Line;
import io.varmor.core.ir.PolicyIR;
import java.util.List;

/**
 * DefenseInDepth (spec §6.2): the user's allow-list profile with the policy's raw rules and child profiles inserted
 * before its last {@code }}. Child profiles carry no base (the allow-list is the user's), only the raw rules.
 * {@code profileType: BehaviorModel} reaches this class only when nobody resolved it against a model (the operator
 * replaces it with the model's generated profile), so it is refused with a clear error.
 */
final class DefenseInDepthProfile {
    static final String CUSTOM_FIELD = "spec.policy.defenseInDepth.appArmor.customProfile";

    private DefenseInDepthProfile() {}

    static RenderedProfile render(PolicyIR ir, ProfileRenderer renderer) {
        PolicyIR.Defense d = ir.defense();
        String type = d == null ? null : d.appArmorProfileType();
        if (type == null) {
            throw new IllegalArgumentException("AppArmor: DefenseInDepth needs spec.policy.defenseInDepth.appArmor"
                    + " (profileType Custom with a customProfile)");
        }
        if (type.equals("BehaviorModel")) {
            throw new IllegalArgumentException("AppArmor: DefenseInDepth with profileType BehaviorModel takes the profile"
                    + " of a completed ArmorProfileModel, which the operator fills in (cluster mode with"
                    + " --enableBehaviorModeling); locally, use the policy `varmor model --enforcer AppArmor` writes"
                    + " (profileType Custom)");
        }
        if (!type.equals("Custom")) {
            throw new IllegalArgumentException("AppArmor: unknown defenseInDepth.appArmor.profileType \"" + type
                    + "\" (expected Custom or BehaviorModel)");
        }
        String custom = d.appArmorCustomProfile();
        if (custom == null || custom.isBlank()) {
            throw new IllegalArgumentException("AppArmor: " + CUSTOM_FIELD + " is required with profileType Custom");
        }
        String[] lines = custom.split("\r?\n", -1);
        int close = lastClosingLine(lines);
        if (close < 0) {
            throw new IllegalArgumentException("AppArmor: " + CUSTOM_FIELD + " has no closing '}'");
        }
        ProfileLines inserted = new ProfileLines();
        List<Line> global = renderer.globalRules(ir, false);
        if (!global.isEmpty()) {
            inserted.add(1, "# varmor: raw rules of the policy");
            inserted.addAll(ProfileRenderer.indent(global, 1));
        }
        renderer.children(ir, List.of(), false, global, inserted);

        ProfileLines out = new ProfileLines();
        out.add(0, ProfileRenderer.HEADER);
        if (ir.complain()) {
            out.add(0, ProfileRenderer.COMPLAIN_MARKER);
        }
        if (inserted.contains(AaSyntax.DISK_VARIABLE) && !custom.contains(AaSyntax.DISK_VARIABLE + "=")) {
            out.add(0, ProfileRenderer.DISK_PLACEHOLDER);
        }
        for (int i = 0; i < close; i++) {
            out.add(0, lines[i], CUSTOM_FIELD, i + 1);
        }
        String closing = lines[close];
        int brace = withoutComment(closing).lastIndexOf('}');
        if (!closing.substring(0, brace).isBlank()) {
            out.add(0, closing.substring(0, brace).stripTrailing(), CUSTOM_FIELD, close + 1);
        }
        out.addAll(inserted.lines());
        out.add(0, closing.substring(brace), CUSTOM_FIELD, close + 1);
        for (int i = close + 1; i < lines.length; i++) {
            if (i < lines.length - 1 || !lines[i].isEmpty()) {
                out.add(0, lines[i], CUSTOM_FIELD, i + 1);
            }
        }
        return out.build();
    }

    private static int lastClosingLine(String[] lines) {
        for (int i = lines.length - 1; i >= 0; i--) {
            if (withoutComment(lines[i]).contains("}")) {
                return i;
            }
        }
        return -1;
    }

    private static String withoutComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
