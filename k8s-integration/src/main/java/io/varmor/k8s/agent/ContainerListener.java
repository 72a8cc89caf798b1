package io.varmor.k8s.agent;

import io.fabric8.kubernetes.api.model.Pod;

/** Receives containers as they appear on and disappear from the node. Called from one thread. */
public interface ContainerListener {
    void started(ContainerInfo container, Pod pod);

    void stopped(ContainerInfo container);
}
