package io.varmor.api.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** One label selector expression. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabelSelectorRequirement(String key, String operator, List<String> values) {}
