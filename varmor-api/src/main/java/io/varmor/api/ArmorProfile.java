package io.varmor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.profile.ArmorProfileSpec;
import io.varmor.api.profile.ArmorProfileStatus;

/** The compiled, enforcer-ready form of a policy that node agents consume ({@code kind: ArmorProfile}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmorProfile(String apiVersion, String kind, ObjectMeta metadata, ArmorProfileSpec spec, ArmorProfileStatus status)
        implements Resource {}
