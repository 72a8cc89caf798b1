package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {

    @Test
    void dependsIsReadFromModinfoStrings() {
        assertEquals(List.of("9pnet", "fscache", "netfs"), KernelModules.dependsOf(ko("9pnet,fscache,netfs")));
        assertEquals(List.of(), KernelModules.dependsOf(ko("")));
    }

    @Test
    void loadOrderPutsDependenciesFirstAndSkipsBuiltins(@TempDir Path rel) throws IOException {
        module(rel, "kernel/fs/9p/9p.ko", "9pnet,netfs");
        module(rel, "kernel/net/9p/9pnet.ko", "");
        module(rel, "kernel/net/9p/9pnet_virtio.ko", "9pnet,virtio_ring");
        module(rel, "kernel/fs/netfs/netfs.ko", "");
        Files.writeString(rel.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_ring.ko\n");
        KernelModules mods = KernelModules.scan(rel);
        List<String> order = mods.loadOrder(List.of("9pnet_virtio", "9p")).stream().map(KernelModules::name).toList();
        assertEquals(List.of("9pnet", "9pnet_virtio", "netfs", "9p"), order);
        assertThrows(IllegalArgumentException.class, () -> mods.loadOrder(List.of("nonexistent")));
    }

    private static void module(Path rel, String path, String depends) throws IOException {
        Path f = rel.resolve(path);
        Files.createDirectories(f.getParent());
        Files.write(f, ko(depends));
    }

    private static byte[] ko(String depends) {
        return ("\u007fELF junk\0license=GPL\0depends=" + depends + "\0intree=Y\0").getBytes(StandardCharsets.UTF_8);
    }
}
