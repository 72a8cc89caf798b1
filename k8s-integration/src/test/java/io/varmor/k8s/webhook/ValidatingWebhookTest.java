package io.varmor.k8s.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.ParsedDocument;
import io.varmor.k8s.model.KubeJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec §16 case 3 through the validating webhook over HTTPS: rejections carry field paths. */
class ValidatingWebhookTest {
    static WebhookFixture hook;
    static WebhookFixture noModeling;

    @BeforeAll
    static void start() {
        hook = new WebhookFixture(false, true);
        noModeling = new WebhookFixture(false, false);
    }

    @AfterAll
    static void stop() {
        hook.close();
        noModeling.close();
    }

    static String policy(String name, String target, String policy) {
        return "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata: {name: " + name + ", namespace: demo, uid: u1,"
                + " creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{manager: kubectl}]}\n"
                + "spec:\n  target: " + target + "\n  policy: " + policy + "\n";
    }

    static JsonNode object(String yaml) {
        List<ParsedDocument> d = Manifests.parse(yaml);
        return KubeJson.tree(d.get(0).resource());
    }

    static JsonNode create(WebhookFixture h, String yaml) throws Exception {
        return h.review("/validate", "crd.varmor.org", "VarmorPolicy", "CREATE", "demo", object(yaml), null);
    }

    static JsonNode update(String before, String after) throws Exception {
        return hook.review("/validate", "crd.varmor.org", "VarmorPolicy", "UPDATE", "demo", object(after), object(before));
    }

    static List<String> fields(JsonNode resp) {
        List<String> out = new ArrayList<>();
        resp.path("status").path("details").path("causes").forEach(c -> out.add(c.path("field").asText()));
        return out;
    }

    static void rejected(JsonNode resp, String field, String text) {
        assertFalse(resp.path("allowed").asBoolean(), resp.toString());
        assertEquals(422, resp.path("status").path("code").asInt());
        assertTrue(fields(resp).contains(field), "expected a cause at " + field + ": " + resp);
        assertTrue(resp.path("status").path("message").asText().contains(text), resp.path("status").path("message").asText());
    }

    static final String DEPLOY = "{kind: Deployment, name: web}";

    @Test
    void aValidPolicyIsAllowed() throws Exception {
        assertTrue(create(hook, policy("ok", DEPLOY, "{enforcer: AppArmorSeccomp, mode: EnhanceProtect, enhanceProtect: {hardeningRules: [disable-cap-privileged]}}"))
                .path("allowed").asBoolean());
    }

    @Test
    void bothNameAndSelectorAreRejected() throws Exception {
        rejected(create(hook, policy("p", "{kind: Deployment, name: web, selector: {matchLabels: {a: b}}}", "{enforcer: AppArmor, mode: AlwaysAllow}")),
                "spec.target", "mutually exclusive");
    }

    @Test
    void neitherNameNorSelectorIsRejected() throws Exception {
        rejected(create(hook, policy("p", "{kind: Deployment}", "{enforcer: AppArmor, mode: AlwaysAllow}")), "spec.target", "required");
    }

    @Test
    void aReplicaSetTargetIsRejected() throws Exception {
        rejected(create(hook, policy("p", "{kind: ReplicaSet, name: web}", "{enforcer: AppArmor, mode: AlwaysAllow}")), "spec.target.kind", "ReplicaSet");
    }

    @Test
    void enhanceProtectWithoutItsOptionsIsRejected() throws Exception {
        rejected(create(hook, policy("p", DEPLOY, "{enforcer: AppArmor, mode: EnhanceProtect}")), "spec.policy", "enhanceProtect");
    }

    @Test
    void defenseInDepthWithBpfNeedsAnAllowList() throws Exception {
        rejected(create(hook, policy("p", DEPLOY, "{enforcer: BPF, mode: DefenseInDepth, defenseInDepth: {}}")),
                "spec.policy.defenseInDepth", "defenseInDepth.bpf");
    }

    @Test
    void behaviorModelingIsRejectedWhenTheFeatureIsOff() throws Exception {
        rejected(create(noModeling, policy("p", DEPLOY, "{enforcer: AppArmor, mode: BehaviorModeling, modelingOptions: {duration: 3}}")),
                "spec.policy.mode", "disabled");
    }

    @Test
    void aNameThatMakesTheProfileNameTooLongIsRejected() throws Exception {
        rejected(create(hook, policy("a".repeat(60), DEPLOY, "{enforcer: AppArmor, mode: AlwaysAllow}")), "metadata.name", "63");
    }

    @Test
    void anUnknownRuleIdIsRejectedWithASuggestion() throws Exception {
        rejected(create(hook, policy("p", DEPLOY, "{enforcer: AppArmor, mode: EnhanceProtect, enhanceProtect: {hardeningRules: [disable-shel]}}")),
                "spec.policy.enhanceProtect.hardeningRules[0]", "disable-shell");
    }

    @Test
    void equalProxyPortsAndABadDefaultActionAreRejected() throws Exception {
        JsonNode r = create(hook, policy("p", DEPLOY, "{enforcer: AppArmor, mode: EnhanceProtect, networkProxyConfig: {proxyPort: 15000, proxyAdminPort: 15000},"
                + " enhanceProtect: {networkProxyRawRules: {egress: {defaultAction: block}}}}"));
        rejected(r, "spec.policy.networkProxyConfig.proxyAdminPort", "must differ");
        rejected(r, "spec.policy.enhanceProtect.networkProxyRawRules.egress.defaultAction", "block");
    }

    @Test
    void changingTheTargetIsRejected() throws Exception {
        rejected(update(policy("p", DEPLOY, "{enforcer: AppArmor, mode: AlwaysAllow}"),
                policy("p", "{kind: Deployment, name: other}", "{enforcer: AppArmor, mode: AlwaysAllow}")), "spec.target", "cannot change");
    }

    @Test
    void removingSeccompIsRejectedButRemovingBpfIsAllowed() throws Exception {
        rejected(update(policy("p", DEPLOY, "{enforcer: AppArmorSeccomp, mode: AlwaysAllow}"),
                policy("p", DEPLOY, "{enforcer: AppArmor, mode: AlwaysAllow}")), "spec.policy.enforcer", "Seccomp");
        assertTrue(update(policy("p", DEPLOY, "{enforcer: AppArmorBPF, mode: AlwaysAllow}"),
                policy("p", DEPLOY, "{enforcer: AppArmor, mode: AlwaysAllow}")).path("allowed").asBoolean());
    }

    @Test
    void leavingBehaviorModelingWhileModellingIsRejected() throws Exception {
        String modelling = policy("p", DEPLOY, "{enforcer: AppArmor, mode: BehaviorModeling, modelingOptions: {duration: 3}}")
                + "status: {profileName: varmor-demo-p, ready: true, phase: Modeling}\n";
        rejected(update(modelling, policy("p", DEPLOY, "{enforcer: AppArmor, mode: AlwaysAllow}")), "spec.policy.mode", "modelling");
    }

    @Test
    void deletionsAreAlwaysAllowed() throws Exception {
        assertTrue(hook.review("/validate", "crd.varmor.org", "VarmorPolicy", "DELETE", "demo",
                object(policy("p", "{kind: ReplicaSet}", "{enforcer: x, mode: y}")), null).path("allowed").asBoolean());
    }
}
