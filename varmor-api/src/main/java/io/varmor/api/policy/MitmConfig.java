package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** TLS interception settings of the NetworkProxy enforcer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MitmConfig(List<String> domains, List<HeaderMutation> headerMutations) {}
