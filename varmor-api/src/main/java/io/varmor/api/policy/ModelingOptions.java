package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** BehaviorModeling options; duration in minutes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelingOptions(Integer duration) {}
