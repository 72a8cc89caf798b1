package io.varmor.core.ir;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The five vArmor policy modes. */
public enum Mode {
    ALWAYS_ALLOW("AlwaysAllow"),
    RUNTIME_DEFAULT("RuntimeDefault"),
    ENHANCE_PROTECT("EnhanceProtect"),
    BEHAVIOR_MODELING("BehaviorModeling"),
    DEFENSE_IN_DEPTH("DefenseInDepth");

    private final String wireName;

    Mode(String wireName) {
        this.wireName = wireName;
    }

    /** The spelling used in policies. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Mode> parse(String s) {
        return Arrays.stream(values()).filter(m -> m.wireName.equals(s)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Mode::wireName).toList();
    }
}
