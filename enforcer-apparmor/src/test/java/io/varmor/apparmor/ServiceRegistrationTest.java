package io.varmor.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.core.ir.Primitive;
import io.varmor.core.plugin.Plugins;
import io.varmor.core.spi.Enforcer;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class ServiceRegistrationTest {
    @Test
    void enforcerIsDiscoveredWithServiceLoader() {
        Enforcer e = Plugins.discover(getClass().getClassLoader()).enforcer("apparmor").orElseThrow();
        assertTrue(e instanceof AppArmorEnforcer);
        assertEquals("AppArmor", e.id());
        assertEquals(EnumSet.of(Primitive.FILE, Primitive.EXEC, Primitive.CAPABILITY, Primitive.SOCKET, Primitive.MOUNT,
                Primitive.UMOUNT, Primitive.PTRACE, Primitive.RAW_APPARMOR), e.primitives());
    }
}
