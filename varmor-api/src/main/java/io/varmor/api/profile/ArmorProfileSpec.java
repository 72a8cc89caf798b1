package io.varmor.api.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import java.util.List;
import java.util.Map;

/** Spec of the internal ArmorProfile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmorProfileSpec(Target target, Boolean updateExistingWorkloads, BehaviorModeling behaviorModeling, Profile profile) {}
