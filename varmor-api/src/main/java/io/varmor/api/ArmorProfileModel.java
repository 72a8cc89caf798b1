package io.varmor.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.api.model.ArmorProfileModelData;
import io.varmor.api.model.ArmorProfileModelStatus;

/** Behaviour learned in BehaviorModeling mode ({@code kind: ArmorProfileModel}); storageType is CRDInternal or LocalDisk. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArmorProfileModel(String apiVersion, String kind, ObjectMeta metadata, String storageType,
                                ArmorProfileModelData data, ArmorProfileModelStatus status) implements Resource {}
