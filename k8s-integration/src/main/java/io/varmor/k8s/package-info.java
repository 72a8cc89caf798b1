/**
 * Cluster mode of varmor: the operator (policy controllers, admission webhooks, status aggregation, leader election,
 * metrics), the node agent, the CRD generator and the TLS helpers they share. Built on fabric8 kubernetes-client and
 * on {@code varmor-core} only; no enforcer plugin is referenced directly (they are found with {@code ServiceLoader}).
 */
package io.varmor.k8s;
