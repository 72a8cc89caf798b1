package io.varmor.bpf.kernel;

/**
 * One map element to write: {@code map} is a {@link Layout} map name.
 *
 * @param map   map name, e.g. {@link Layout#FWD}
 * @param key   key bytes
 * @param value value bytes
 */
public record Entry(String map, byte[] key, byte[] value) {}
