package io.varmor.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.*;
import io.varmor.api.policy.*;
import io.varmor.api.profile.*;
import java.util.List;
import java.util.Map;

/** Status of an ArmorProfileModel. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmorProfileModelStatus(Integer desiredNumber, Integer completedNumber, Boolean ready, List<Condition> conditions) {}
