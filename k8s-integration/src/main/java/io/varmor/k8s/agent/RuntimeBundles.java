package io.varmor.k8s.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.k8s.model.KubeJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads a container's identity from its OCI bundle ({@code config.json} annotations), which the runtime writes before
 * the container's process exists: containerd ({@code <root>/io.containerd.runtime.v2.task/k8s.io/<id>/config.json},
 * annotations {@code io.kubernetes.cri.*}) and CRI-O ({@code <root>/overlay-containers/<id>/userdata/config.json},
 * {@code io.kubernetes.container.name}, {@code io.kubernetes.pod.*}). Sandbox (pause) containers are reported as such.
 */
public final class RuntimeBundles {
    /** What the bundle says. */
    public record Identity(boolean sandbox, String containerName, String podUid, String podNamespace, String podName, String image) {}

    private final List<Path> roots;

    /** @param roots e.g. {@code /run/containerd}, {@code /run/containers/storage} (as mounted in the agent) */
    public RuntimeBundles(List<Path> roots) {
        this.roots = roots;
    }

    public Optional<Identity> identity(String containerId) {
        for (Path root : roots) {
            for (Path cfg : List.of(root.resolve("io.containerd.runtime.v2.task/k8s.io").resolve(containerId).resolve("config.json"),
                    root.resolve("overlay-containers").resolve(containerId).resolve("userdata/config.json"))) {
                if (Files.isReadable(cfg)) {
                    try {
                        return Optional.of(parse(KubeJson.mapper().readTree(cfg.toFile()).path("annotations")));
                    } catch (java.io.IOException | RuntimeException e) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Identity parse(JsonNode a) {
        if (a.has("io.kubernetes.cri.container-type")) {
            return new Identity("sandbox".equals(a.path("io.kubernetes.cri.container-type").asText()),
                    a.path("io.kubernetes.cri.container-name").asText(null), a.path("io.kubernetes.cri.sandbox-uid").asText(null),
                    a.path("io.kubernetes.cri.sandbox-namespace").asText(null), a.path("io.kubernetes.cri.sandbox-name").asText(null),
                    a.path("io.kubernetes.cri.image-name").asText(null));
        }
        return new Identity("sandbox".equals(a.path("io.kubernetes.cri-o.ContainerType").asText()),
                a.path("io.kubernetes.container.name").asText(null), a.path("io.kubernetes.pod.uid").asText(null),
                a.path("io.kubernetes.pod.namespace").asText(null), a.path("io.kubernetes.pod.name").asText(null),
                a.path("io.kubernetes.cri-o.ImageName").asText(null));
    }
}
