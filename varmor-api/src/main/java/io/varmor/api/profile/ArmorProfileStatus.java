package io.varmor.api.profile;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import java.util.List;
import java.util.Map;

/** Per-node load status of an ArmorProfile. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmorProfileStatus(Integer desiredNumberLoaded, Integer currentNumberLoaded, List<Condition> conditions) {}
