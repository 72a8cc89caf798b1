package io.varmor.api.diag;

/**
 * Stable identifiers of everything varmor rejects. The {@link #id()} strings are part of the public contract:
 * scripts and CI gates match on them, so they never change meaning once released.
 */
public enum ErrorId {
    YAML_SYNTAX("yaml-syntax", "the file is not well-formed YAML/JSON"),
    UNSUPPORTED_KIND("unsupported-kind", "apiVersion/kind is not a varmor resource"),
    UNKNOWN_FIELD("unknown-field", "a field the schema does not define"),
    WRONG_TYPE("wrong-type", "a value of the wrong type"),
    MISSING_FIELD("missing-field", "a required field is absent"),
    HOSTILE_VALUE("hostile-value", "control characters or oversized text"),
    TARGET_KIND("target-kind", "target.kind is not Deployment, StatefulSet, DaemonSet or Pod"),
    TARGET_NAME_SELECTOR("target-name-selector", "exactly one of target.name and target.selector must be set"),
    UNKNOWN_ENFORCER("unknown-enforcer", "policy.enforcer names no enforcer"),
    UNKNOWN_MODE("unknown-mode", "policy.mode is not a known mode"),
    MODE_OPTIONS_MISSING("mode-options-missing", "the mode needs its options object"),
    MODE_ENFORCER_CONFLICT("mode-enforcer-conflict", "the mode cannot be used with that enforcer"),
    BEHAVIOR_MODELING_DISABLED("behavior-modeling-disabled", "BehaviorModeling is switched off"),
    PROFILE_NAME_TOO_LONG("profile-name-too-long", "the derived profile name exceeds 63 characters"),
    UNKNOWN_RULE("unknown-rule", "a built-in rule id that does not exist"),
    RULE_NOT_ENFORCEABLE("rule-not-enforceable", "none of the selected enforcers can enforce the rule"),
    NO_ENFORCER_PLUGIN("no-enforcer-plugin", "no plugin on the classpath provides the enforcer"),
    BAD_PATTERN("bad-pattern", "a path pattern the enforcer cannot express"),
    BAD_PERMISSION("bad-permission", "an unknown permission"),
    BAD_QUALIFIER("bad-qualifier", "an unknown rule qualifier"),
    BAD_NETWORK_VALUE("bad-network-value", "an unknown socket domain/type/protocol or a malformed address/port"),
    BAD_MOUNT_VALUE("bad-mount-value", "an unknown mount flag or an oversized fstype"),
    BAD_SYSCALL_RULE("bad-syscall-rule", "an unknown syscall, action or argument operator"),
    BAD_PROFILE_TYPE("bad-profile-type", "profileType is not BehaviorModel or Custom"),
    BAD_CUSTOM_PROFILE("bad-custom-profile", "a custom profile that does not parse"),
    ENFORCER_REJECTED("enforcer-rejected", "an enforcer could not translate the policy"),
    TOO_MANY_RULES("too-many-rules", "more rules of one kind than the enforcer's configured capacity"),
    NETWORK_PROXY("network-proxy", "invalid NetworkProxy settings"),
    IMMUTABLE_FIELD("immutable-field", "an update changes a field that cannot change");

    private final String id;
    private final String summary;

    ErrorId(String id, String summary) {
        this.id = id;
        this.summary = summary;
    }

    /** The stable, kebab-case identifier printed in messages. */
    public String id() {
        return id;
    }

    /** One line describing the class of error. */
    public String summary() {
        return summary;
    }
}
