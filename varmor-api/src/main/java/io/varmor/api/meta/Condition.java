package io.varmor.api.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A status condition; nodeName is set on ArmorProfile and ArmorProfileModel conditions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(String type, String status, String lastTransitionTime, String reason, String message, String nodeName) {}
