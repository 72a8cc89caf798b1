package io.varmor.k8s.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.varmor.api.VarmorClusterPolicy;
import io.varmor.api.VarmorPolicy;
import io.varmor.api.io.Manifests;
import io.varmor.k8s.model.ArmorProfileResource;
import io.varmor.k8s.model.KubeJson;
import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;

/** Creating and reading policies in the mock cluster from vArmor YAML. */
public final class Policies {
    private Policies() {}

    public static String vpol(String ns, String name, String enforcer, String mode, String extra) {
        return "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorPolicy\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n"
                + "spec:\n  target:\n    kind: Deployment\n    selector:\n      matchLabels:\n        app: " + name + "\n"
                + "  policy:\n    enforcer: " + enforcer + "\n    mode: " + mode + "\n" + extra;
    }

    public static VarmorPolicyResource create(KubernetesClient k, String yaml) {
        VarmorPolicyResource r = KubeJson.convert(Manifests.parseOne(yaml, VarmorPolicy.class), VarmorPolicyResource.class);
        return k.resources(VarmorPolicyResource.class).inNamespace(r.getMetadata().getNamespace()).resource(r).create();
    }

    public static VarmorClusterPolicyResource createCluster(KubernetesClient k, String yaml) {
        VarmorClusterPolicyResource r = KubeJson.convert(Manifests.parseOne(yaml, VarmorClusterPolicy.class), VarmorClusterPolicyResource.class);
        return k.resources(VarmorClusterPolicyResource.class).resource(r).create();
    }

    public static VarmorPolicyResource get(KubernetesClient k, String ns, String name) {
        return k.resources(VarmorPolicyResource.class).inNamespace(ns).withName(name).get();
    }

    public static VarmorClusterPolicyResource getCluster(KubernetesClient k, String name) {
        return k.resources(VarmorClusterPolicyResource.class).withName(name).get();
    }

    public static ArmorProfileResource profile(KubernetesClient k, String ns, String name) {
        return k.resources(ArmorProfileResource.class).inNamespace(ns).withName(name).get();
    }

    public static String phase(VarmorPolicyResource p) {
        return p == null || p.getStatus() == null ? null : p.getStatus().phase();
    }
}
