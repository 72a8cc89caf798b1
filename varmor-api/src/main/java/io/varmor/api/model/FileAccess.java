package io.varmor.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import io.varmor.api.profile.*;
import java.util.List;
import java.util.Map;

/** A file access seen while modelling. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FileAccess(String path, Boolean owner, List<String> permissions, String oldPath) {}
