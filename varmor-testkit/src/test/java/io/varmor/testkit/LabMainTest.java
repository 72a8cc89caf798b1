package io.varmor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LabMainTest {

    @Test
    void usageErrorsExitWith125WithoutBooting() {
        assertEquals(125, LabMain.run(new String[] {"--timeout", "5"}));
        assertEquals(125, LabMain.run(new String[] {"--bogus", "--", "true"}));
        assertEquals(125, LabMain.run(new String[] {"--timeout", "x", "--", "true"}));
    }
}
