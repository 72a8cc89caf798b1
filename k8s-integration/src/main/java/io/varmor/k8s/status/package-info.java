/**
 * The agent → operator status channel. Agents POST what they loaded to the leader over HTTPS, authenticated with
 * their projected ServiceAccount token; the operator derives the node from the token (never from the body), so an
 * agent can only report for its own node. Only the operator writes ArmorProfile and policy status.
 */
package io.varmor.k8s.status;
