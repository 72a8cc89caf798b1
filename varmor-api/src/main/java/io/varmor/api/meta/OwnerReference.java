package io.varmor.api.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Kubernetes owner reference. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OwnerReference(String apiVersion, String kind, String name, String uid, Boolean controller, Boolean blockOwnerDeletion) {}
