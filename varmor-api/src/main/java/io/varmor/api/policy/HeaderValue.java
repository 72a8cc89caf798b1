package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A header value, literal or from a Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HeaderValue(String name, String value, SecretKeyRef secretRef) {}
