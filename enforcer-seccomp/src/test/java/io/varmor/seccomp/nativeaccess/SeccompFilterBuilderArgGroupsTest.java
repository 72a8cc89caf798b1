package io.varmor.seccomp.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.varmor.seccomp.SeccompProfile.Arg;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builder groups argument conditions exactly as runc does (libcontainer/seccomp {@code matchCall}). */
class SeccompFilterBuilderArgGroupsTest {
    private static Arg eq(int index, long value) {
        return new Arg(index, value, 0, "SCMP_CMP_EQ");
    }

    @Test
    void noConditionsIsOneUnconditionalRule() {
        assertEquals(List.of(List.of()), SeccompFilterBuilder.argGroups(null));
    }

    @Test
    void conditionsOnDistinctIndexesAreOneRuleThatAndsThem() {
        List<Arg> args = List.of(eq(1, 1), eq(2, 26));
        assertEquals(List.of(args), SeccompFilterBuilder.argGroups(args));
    }

    @Test
    void conditionsOnOneIndexAreAlternatives() {
        assertEquals(List.of(List.of(eq(1, 0x40)), List.of(eq(1, 0x8))), SeccompFilterBuilder.argGroups(List.of(eq(1, 0x40), eq(1, 0x8))));
    }

    @Test
    void aRepeatedIndexAmongOthersMakesEveryConditionItsOwnRuleAsRuncDoes() {
        // what vArmor's raw-rule merge can produce: setsockopt(SOL_SOCKET, SO_ATTACH_FILTER) + a raw arg2 == 25
        List<Arg> args = List.of(eq(1, 1), eq(2, 26), eq(2, 25));
        assertEquals(List.of(List.of(eq(1, 1)), List.of(eq(2, 26)), List.of(eq(2, 25))), SeccompFilterBuilder.argGroups(args));
    }
}
