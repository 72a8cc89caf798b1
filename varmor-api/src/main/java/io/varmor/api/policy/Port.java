package io.varmor.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import java.util.List;
import java.util.Map;

/** A port or an inclusive port range. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Port(Integer port, Integer endPort) {}
