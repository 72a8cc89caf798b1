package io.varmor.k8s.model;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.api.policy.VarmorPolicyStatus;

/** fabric8 view of {@code VarmorClusterPolicy} (cluster-scoped). */
@Group("crd.varmor.org")
@Version("v1beta1")
@Kind("VarmorClusterPolicy")
@Plural("varmorclusterpolicies")
@ShortNames("vcpol")
public class VarmorClusterPolicyResource extends CustomResource<VarmorPolicySpec, VarmorPolicyStatus> {}
