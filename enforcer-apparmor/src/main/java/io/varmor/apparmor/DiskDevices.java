package io.varmor.apparmor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The node's block devices, for the rules that protect disks ({@code disallow-debug-disk-device},
 * {@code disallow-mount-disk-device}). Compiled profiles refer to {@code @{varmor_disk_devices}} and carry a placeholder
 * line; on the node {@link #define} replaces it with the variable's definition from {@code /proc/partitions}, so the
 * profile text stays node-independent until it is loaded and line numbers do not move.
 */
public final class DiskDevices {
    /** Used when a node reports no devices: a name no device has, so the rules match nothing. */
    static final String NO_DEVICE = "varmor-no-disk-device";

    private DiskDevices() {}

    /** Device names from {@code /proc/partitions} content ({@code major minor #blocks name} rows). */
    public static List<String> parse(String partitions) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : partitions.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].matches("\\d+") && f[1].matches("\\d+")) {
                String name = f[3].replace('!', '/');
                if (name.matches("[A-Za-z0-9._:+/-]+") && !name.contains("..")) {
                    out.add(name);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The devices of this node, read from {@code partitions} (normally {@code /proc/partitions}). */
    public static List<String> read(Path partitions) throws IOException {
        return Files.exists(partitions) ? parse(Files.readString(partitions)) : List.of();
    }

    /** {@code text} with the placeholder line replaced by {@code @{varmor_disk_devices}=dev1 dev2 ...}. */
    public static String define(String text, List<String> devices) {
        if (!text.contains(ProfileRenderer.DISK_PLACEHOLDER)) {
            return text;
        }
        String value = devices.isEmpty() ? NO_DEVICE : String.join(" ", devices);
        return text.replace(ProfileRenderer.DISK_PLACEHOLDER, AaSyntax.DISK_VARIABLE + "=" + value);
    }
}
