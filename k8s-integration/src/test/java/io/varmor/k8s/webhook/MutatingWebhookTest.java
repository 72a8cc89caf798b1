package io.varmor.k8s.webhook;

import static io.varmor.k8s.webhook.WebhookFixture.json;
import static io.varmor.k8s.webhook.WebhookFixture.patched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spec §1.4 and §16 cases 4–6: real AdmissionReview requests over HTTPS, patches applied and checked. */
class MutatingWebhookTest {
    final WebhookFixture hook = new WebhookFixture(false, true);

    @AfterEach
    void close() {
        hook.close();
    }

    static String policy(String ns, String name, String enforcer, String mode, String containers) {
        return "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata: {name: " + name + ", namespace: " + ns + "}\n"
                + "spec:\n  target:\n    kind: Deployment\n    selector: {matchLabels: {app: web}}\n" + containers
                + "  policy: {enforcer: " + enforcer + ", mode: " + mode + "}\n";
    }

    /** A Deployment with an init container, two containers, c1 opted out of AppArmor (varmor annotation). */
    static JsonNode deployment(boolean labelled) {
        return json("""
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"web","namespace":"demo","labels":{"app":"web"%s}},
                 "spec":{"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"},
                    "annotations":{"container.apparmor.security.beta.varmor.org/c1":"unconfined"}},
                   "spec":{"initContainers":[{"name":"init","image":"busybox"}],
                    "containers":[{"name":"c0","image":"busybox"},{"name":"c1","image":"busybox"},
                                  {"name":"c2","image":"busybox","securityContext":{"privileged":true}}]}}}}
                """.formatted(labelled ? ",\"sandbox.varmor.org/enable\":\"true\"" : ""));
    }

    JsonNode mutate(JsonNode obj) throws Exception {
        return patched(obj, hook.review("/mutate", "apps", "Deployment", "CREATE", "demo", obj, null));
    }

    static JsonNode tplAnnotations(JsonNode d) {
        return d.path("spec").path("template").path("metadata").path("annotations");
    }

    static JsonNode container(JsonNode d, int i) {
        return d.path("spec").path("template").path("spec").path("containers").path(i);
    }

    @Test
    void aDeploymentWithoutTheSandboxLabelIsNotMutated() throws Exception {
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        JsonNode resp = hook.review("/mutate", "apps", "Deployment", "CREATE", "demo", deployment(false), null);
        assertTrue(resp.path("allowed").asBoolean());
        assertFalse(resp.has("patch"));
    }

    @Test
    void belowKubernetes130AppArmorIsSetByAnnotationExceptForOptedOutAndInitContainers() throws Exception {
        hook.appArmorGA.set(false);
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        JsonNode d = mutate(deployment(true));
        JsonNode a = tplAnnotations(d);
        assertEquals("localhost/varmor-demo-demo-1", a.path("container.apparmor.security.beta.kubernetes.io/c0").asText());
        assertFalse(a.has("container.apparmor.security.beta.kubernetes.io/c1"), "c1 opted out");
        assertEquals("localhost/varmor-demo-demo-1", a.path("container.apparmor.security.beta.kubernetes.io/c2").asText());
        assertFalse(a.has("container.apparmor.security.beta.kubernetes.io/init"), "init containers untouched");
        assertFalse(container(d, 0).has("securityContext"), "no securityContext below 1.30");
        assertEquals(deployment(true).path("spec").path("template").path("spec").path("initContainers"),
                d.path("spec").path("template").path("spec").path("initContainers"));
        assertEquals("2026-01-01T00:00:00Z", d.path("metadata").path("annotations").path("webhook.varmor.org/mutatedAt").asText());
    }

    @Test
    void fromKubernetes130AppArmorGoesIntoTheSecurityContext() throws Exception {
        hook.appArmorGA.set(true);
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        JsonNode d = mutate(deployment(true));
        assertEquals(json("{\"type\":\"Localhost\",\"localhostProfile\":\"varmor-demo-demo-1\"}"),
                container(d, 0).path("securityContext").path("appArmorProfile"));
        assertEquals("localhost/varmor-demo-demo-1", tplAnnotations(d).path("container.apparmor.security.beta.varmor.org/c0").asText());
        assertFalse(container(d, 1).has("securityContext"), "c1 opted out");
        assertTrue(container(d, 2).path("securityContext").path("privileged").asBoolean(), "existing securityContext kept");
        assertFalse(tplAnnotations(d).has("container.apparmor.security.beta.kubernetes.io/c0"), "no beta annotation from 1.30");
    }

    @Test
    void fromKubernetes130APodLevelUnconfinedAppArmorProfileIsRespected() throws Exception {
        hook.appArmorGA.set(true);
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        JsonNode obj = deployment(true);
        ((com.fasterxml.jackson.databind.node.ObjectNode) obj.path("spec").path("template").path("spec"))
                .set("securityContext", json("{\"appArmorProfile\":{\"type\":\"Unconfined\"}}"));
        assertFalse(hook.review("/mutate", "apps", "Deployment", "CREATE", "demo", obj, null).has("patch"));
    }

    @Test
    void seccompEnhanceProtectUsesTheLocalhostProfileAndSkipsPrivilegedContainers() throws Exception {
        hook.policy(policy("demo", "demo-1", "Seccomp", "EnhanceProtect", ""));
        JsonNode d = mutate(deployment(true));
        assertEquals(json("{\"type\":\"Localhost\",\"localhostProfile\":\"varmor-demo-demo-1\"}"),
                container(d, 0).path("securityContext").path("seccompProfile"));
        assertEquals("localhost/varmor-demo-demo-1", tplAnnotations(d).path("container.seccomp.security.beta.varmor.org/c0").asText());
        assertFalse(container(d, 2).path("securityContext").has("seccompProfile"), "privileged container skipped");
        assertFalse(tplAnnotations(d).has("container.seccomp.security.beta.varmor.org/c2"));
    }

    @Test
    void seccompRuntimeDefaultModeUsesTheRuntimeDefaultProfile() throws Exception {
        hook.policy(policy("demo", "demo-1", "Seccomp", "RuntimeDefault", ""));
        JsonNode d = mutate(deployment(true));
        assertEquals(json("{\"type\":\"RuntimeDefault\"}"), container(d, 0).path("securityContext").path("seccompProfile"));
    }

    @Test
    void aClusterPolicyTakesPrecedenceOverANamespacedOne() throws Exception {
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        hook.policy("apiVersion: crd.varmor.org/v1beta1\nkind: VarmorClusterPolicy\nmetadata: {name: zz-cluster}\n"
                + "spec:\n  target:\n    kind: Deployment\n    selector: {matchLabels: {app: web}}\n  policy: {enforcer: AppArmor, mode: AlwaysAllow}\n");
        JsonNode d = mutate(deployment(true));
        assertEquals("localhost/varmor-cluster-varmor-zz-cluster", tplAnnotations(d).path("container.apparmor.security.beta.kubernetes.io/c0").asText());
    }

    @Test
    void targetContainersRestrictTheMutation() throws Exception {
        hook.appArmorGA.set(true);
        hook.policy(policy("demo", "demo-1", "AppArmorBPFSeccomp", "EnhanceProtect", "    containers: [c2]\n"));
        JsonNode d = mutate(deployment(true));
        assertFalse(container(d, 0).has("securityContext"));
        assertEquals("localhost/varmor-demo-demo-1", tplAnnotations(d).path("container.bpf.security.beta.varmor.org/c2").asText());
        assertFalse(tplAnnotations(d).has("container.bpf.security.beta.varmor.org/c0"));
    }

    @Test
    void aNamespacedPolicyDoesNotApplyInAnotherNamespace() throws Exception {
        hook.policy(policy("other", "demo-1", "AppArmor", "AlwaysAllow", ""));
        assertFalse(hook.review("/mutate", "apps", "Deployment", "CREATE", "demo", deployment(true), null).has("patch"));
    }

    @Test
    void bareIsPodsAreMutatedAtTheTopLevelOnCreateOnly() throws Exception {
        hook.policy("apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata: {name: p, namespace: demo}\n"
                + "spec:\n  target: {kind: Pod, selector: {matchLabels: {app: web}}}\n  policy: {enforcer: BPFSeccomp, mode: EnhanceProtect}\n");
        JsonNode pod = json("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p1","namespace":"demo",
                  "labels":{"app":"web","sandbox.varmor.org/enable":"true"}},
                 "spec":{"containers":[{"name":"c0","image":"busybox"}]}}""");
        JsonNode p = patched(pod, hook.review("/mutate", "", "Pod", "CREATE", "demo", pod, null));
        assertEquals("localhost/varmor-demo-p", p.path("metadata").path("annotations").path("container.bpf.security.beta.varmor.org/c0").asText());
        assertEquals("Localhost", p.path("spec").path("containers").path(0).path("securityContext").path("seccompProfile").path("type").asText());
        assertTrue(p.path("metadata").path("annotations").has("webhook.varmor.org/mutatedAt"));
        assertFalse(hook.review("/mutate", "", "Pod", "UPDATE", "demo", pod, pod).has("patch"), "pods only at CREATE");
    }

    @Test
    void reinvocationOnAnAlreadyMutatedObjectChangesNothingButTheTimestamp() throws Exception {
        hook.appArmorGA.set(true);
        hook.policy(policy("demo", "demo-1", "AppArmorSeccomp", "EnhanceProtect", ""));
        JsonNode once = mutate(deployment(true));
        JsonNode twice = patched(once, hook.review("/mutate", "apps", "Deployment", "UPDATE", "demo", once, once));
        assertEquals(once, twice);
    }

    @Test
    void bpfExclusiveModeSetsAppArmorUnconfinedForBpfContainers() throws Exception {
        try (WebhookFixture exclusive = new WebhookFixture(true, true)) {
            exclusive.policy(policy("demo", "demo-1", "BPF", "EnhanceProtect", ""));
            JsonNode obj = deployment(true);
            JsonNode d = patched(obj, exclusive.review("/mutate", "apps", "Deployment", "CREATE", "demo", obj, null));
            assertEquals("unconfined", tplAnnotations(d).path("container.apparmor.security.beta.kubernetes.io/c0").asText());
            assertEquals("localhost/varmor-demo-demo-1", tplAnnotations(d).path("container.bpf.security.beta.varmor.org/c0").asText());
        }
    }

    @Test
    void theWebhookCountsRequestsAndLatency() throws Exception {
        hook.policy(policy("demo", "demo-1", "AppArmor", "AlwaysAllow", ""));
        mutate(deployment(true));
        hook.review("/mutate", "apps", "Deployment", "CREATE", "demo", deployment(false), null);
        String text = hook.metrics.scrape();
        assertTrue(text.contains("varmor_admission_requests_total 2.0"), text);
        assertTrue(text.contains("varmor_mutated_requests_total 1.0"), text);
        // the count, not a bucket: how long the first request takes depends on the machine's load
        assertTrue(text.contains("varmor_webhook_latency_count{request_kind=\"Deployment\",request_mutated=\"true\",request_operation=\"CREATE\"} 1"), text);
        assertTrue(text.contains("varmor_webhook_latency_bucket{request_kind=\"Deployment\",request_mutated=\"true\",request_operation=\"CREATE\",le=\"+Inf\"} 1"), text);
    }
}
