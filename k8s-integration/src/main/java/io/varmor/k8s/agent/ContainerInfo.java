package io.varmor.k8s.agent;

/**
 * A running container on this node as discovered from {@code /proc}, the runtime's bundle and the pod.
 *
 * @param pid the container's oldest process
 * @param mountNamespace inode of its mount namespace (the key BPF enforcement uses)
 * @param containerName name in the pod spec; null until known
 */
public record ContainerInfo(String id, long pid, long mountNamespace, String podUid, String podNamespace, String podName,
                            String containerName, String image, long discoveredAtMillis) {
    public ContainerInfo withPod(String uid, String namespace, String name, String container) {
        return new ContainerInfo(id, pid, mountNamespace, uid, namespace, name, container, image, discoveredAtMillis);
    }
}
