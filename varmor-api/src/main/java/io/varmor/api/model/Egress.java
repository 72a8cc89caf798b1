package io.varmor.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import io.varmor.api.profile.*;
import java.util.List;
import java.util.Map;

/** A connect() destination seen while modelling. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Egress(String ip, List<Integer> ports) {}
