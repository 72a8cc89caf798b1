/**
 * {@code varmor agent}, the DaemonSet side: watches ArmorProfiles, loads them through the enforcer plugins the node
 * offers (AppArmor profiles into the kernel, Seccomp profiles into the kubelet's directory, BPF profiles bound to
 * containers by mount namespace), discovers containers from {@code /proc} and cgroups, reports per-node status to the
 * leader, and turns violations into rate-limited Kubernetes Events.
 */
package io.varmor.k8s.agent;
