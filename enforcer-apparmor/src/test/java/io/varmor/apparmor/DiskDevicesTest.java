package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiskDevicesTest {
    @Test
    void devicesAreReadFromProcPartitionsRows() {
        String partitions = """
                major minor  #blocks  name

                 259        0  500107608 nvme0n1
                 259        1     524288 nvme0n1p1
                   8        0  488386584 sda
                 104        0   71652960 cciss!c0d0
                   7        0      1024 evil;name
                """;
        assertEquals(List.of("cciss/c0d0", "nvme0n1", "nvme0n1p1", "sda"), DiskDevices.parse(partitions));
    }

    @Test
    void placeholderIsReplacedInPlaceAndAnEmptyNodeMatchesNothing() {
        String text = "a\n" + ProfileRenderer.DISK_PLACEHOLDER + "\nb\n";
        assertEquals("a\n@{varmor_disk_devices}=sda vda\nb\n", DiskDevices.define(text, List.of("sda", "vda")));
        assertEquals("a\n@{varmor_disk_devices}=varmor-no-disk-device\nb\n", DiskDevices.define(text, List.of()));
        assertEquals("no placeholder\n", DiskDevices.define("no placeholder\n", List.of("sda")));
    }
}
