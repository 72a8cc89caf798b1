package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A key of a Kubernetes Secret. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretKeyRef(String name, String key) {}
