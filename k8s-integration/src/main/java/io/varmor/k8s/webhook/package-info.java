/**
 * The admission webhooks, served over HTTPS on every operator replica (not leader-gated): {@code /mutate} rewrites
 * workloads and pods exactly as vArmor's mutating webhook (spec §1.4), {@code /validate} rejects invalid policies with
 * {@code varmor-core}'s field-located messages.
 */
package io.varmor.k8s.webhook;
