package io.varmor.k8s.operator;

/** Identifies an ArmorProfile. */
public record ProfileRef(String namespace, String name) {
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
