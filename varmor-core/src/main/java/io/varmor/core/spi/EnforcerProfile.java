package io.varmor.core.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One enforcer's compiled artefact for one policy.
 *
 * @param enforcerId the enforcer that produced it
 * @param fileName file name when written out, e.g. {@code varmor-demo-demo.seccomp.json}
 * @param content the artefact (AppArmor text, seccomp JSON, BPF tables JSON, ...)
 * @param metadata what the node side needs besides the content, e.g. which rule produced which syscall entry (not
 *        part of the content hash)
 */
public record EnforcerProfile(String enforcerId, String fileName, String content, java.util.Map<String, String> metadata) {

    public EnforcerProfile(String enforcerId, String fileName, String content) {
        this(enforcerId, fileName, content, java.util.Map.of());
    }

    /** SHA-256 of the content, hex. */
    public String contentHash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
