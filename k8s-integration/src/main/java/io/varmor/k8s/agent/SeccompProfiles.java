package io.varmor.k8s.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.varmor.k8s.model.KubeJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Seccomp profiles for the kubelet: {@code <dir>/<profile>} (default {@code /var/lib/kubelet/seccomp}), which a pod
 * references as {@code seccompProfile {type: Localhost, localhostProfile: <profile>}}. Written atomically (temp file +
 * rename) so the kubelet never reads half a profile; new content only affects containers started afterwards.
 */
public final class SeccompProfiles {
    private final Path dir;

    public SeccompProfiles(Path dir) {
        this.dir = dir;
    }

    public Path path(String profile) {
        if (profile.contains("/") || profile.startsWith(".")) {
            throw new IllegalArgumentException("invalid profile name " + profile);
        }
        return dir.resolve(profile);
    }

    /** Validates the JSON and writes it; returns an error message or null. */
    public String write(String profile, String json) {
        try {
            JsonNode n = KubeJson.mapper().readTree(json);
            if (n == null || !n.isObject() || !n.has("defaultAction")) {
                return "Seccomp: the profile is not a seccomp profile (no defaultAction)";
            }
            Files.createDirectories(dir);
            Path target = path(profile);
            Path tmp = Files.createTempFile(dir, "." + profile, ".tmp");
            Files.writeString(tmp, json);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return null;
        } catch (IOException | RuntimeException e) {
            return "Seccomp: cannot write " + dir.resolve(profile) + ": " + e.getMessage();
        }
    }

    public void remove(String profile) {
        try {
            Files.deleteIfExists(path(profile));
        } catch (IOException | RuntimeException e) {
            // best effort; the agent's --removeAllSeccompProfiles cleans up on exit
        }
    }
}
