package io.varmor.k8s.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.varmor.api.policy.VarmorPolicySpec;
import io.varmor.api.policy.VarmorPolicyStatus;

/** fabric8 view of {@code VarmorPolicy}; spec and status are the {@code varmor-api} records. */
@Group("crd.varmor.org")
@Version("v1beta1")
@Kind("VarmorPolicy")
@Plural("varmorpolicies")
@ShortNames("vpol")
public class VarmorPolicyResource extends CustomResource<VarmorPolicySpec, VarmorPolicyStatus> implements Namespaced {}
