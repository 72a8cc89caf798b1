package io.varmor.k8s.status;

/** An authenticated agent: the node its credential is bound to, and its pod when known. */
public record AgentIdentity(String nodeName, String podName) {}
