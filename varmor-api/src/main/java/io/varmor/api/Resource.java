package io.varmor.api;

import io.varmor.api.meta.ObjectMeta;

/** A top-level object of the {@code crd.varmor.org/v1beta1} API. */
public interface Resource {
    /** The API group and version every varmor resource carries. */
    String API_VERSION = "crd.varmor.org/v1beta1";

    String apiVersion();

    String kind();

    ObjectMeta metadata();
}
