/**
 * Entry points for the distribution's CLI: {@code varmor operator} and {@code varmor agent} build their settings
 * from flags and call {@link io.varmor.k8s.launch.OperatorLauncher#run} / {@link io.varmor.k8s.launch.AgentLauncher#run},
 * which block until the process should exit and return its exit code.
 */
package io.varmor.k8s.launch;
