package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** Headers injected for one MITM domain. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeaderMutation(String domain, List<HeaderValue> headers) {}
