package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** NetworkProxy path match. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpPathMatch(String exact, String prefix) {}
