package io.varmor.apparmor;

import io.varmor.core.catalog.BuiltinRules;
import io.varmor.core.compile.CompileOptions;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.ir.PolicyIR;
import io.varmor.core.plugin.Plugins;
import java.util.List;

/** Builds IR from small VarmorPolicy YAML documents through the real core compiler. */
final class Policies {
    static final AppArmorEnforcer ENFORCER = new AppArmorEnforcer(
            new AppArmorNode(AppArmorNode.Paths.DEFAULT, (argv, in, t) -> {
                throw new java.io.IOException("no processes in unit tests");
            }));
    private static final PolicyCompiler COMPILER = new PolicyCompiler(
            new Plugins(List.of(ENFORCER), List.of(new BuiltinRules())), CompileOptions.DEFAULT);

    private Policies() {}

    /** A VarmorPolicy demo/demo with {@code policyBody} (YAML indented by 4, under spec.policy) as its policy. */
    static String yaml(String policyBody) {
        return """
                apiVersion: crd.varmor.org/v1beta1
                kind: VarmorPolicy
                metadata:
                  name: demo
                  namespace: demo
                spec:
                  target:
                    kind: Deployment
                    name: x
                  policy:
                """ + policyBody.stripTrailing().indent(4);
    }

    static CompiledPolicy compile(String policyBody) {
        return COMPILER.compileText(yaml(policyBody)).get(0);
    }

    static PolicyIR ir(String policyBody) {
        return compile(policyBody).ir();
    }

    /** EnhanceProtect with the given enhanceProtect body (YAML, indented by 2 under enhanceProtect). */
    static PolicyIR enhance(String enhanceBody) {
        return ir("enforcer: AppArmor\nmode: EnhanceProtect\nenhanceProtect:\n" + enhanceBody.stripTrailing().indent(2));
    }

    static String text(PolicyIR ir) {
        return ENFORCER.compile(ir).content();
    }
}
