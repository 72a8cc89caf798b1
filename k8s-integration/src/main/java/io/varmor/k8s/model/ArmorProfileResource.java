package io.varmor.k8s.model;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.varmor.api.profile.ArmorProfileSpec;
import io.varmor.api.profile.ArmorProfileStatus;

/** fabric8 view of the internal {@code ArmorProfile} the agents watch. */
@Group("crd.varmor.org")
@Version("v1beta1")
@Kind("ArmorProfile")
@Plural("armorprofiles")
public class ArmorProfileResource extends CustomResource<ArmorProfileSpec, ArmorProfileStatus> implements Namespaced {}
