package io.varmor.api.meta;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** Kubernetes object metadata (the subset of metav1.ObjectMeta that manifests carry). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ObjectMeta(String name, String generateName, String namespace, String uid, String resourceVersion, Long generation, String creationTimestamp, String deletionTimestamp, Long deletionGracePeriodSeconds, Map<String, String> labels, Map<String, String> annotations, List<OwnerReference> ownerReferences, List<String> finalizers, List<Map<String, Object>> managedFields) {}
