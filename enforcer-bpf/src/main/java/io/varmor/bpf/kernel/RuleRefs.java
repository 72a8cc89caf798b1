package io.varmor.bpf.kernel;

/** Registers a rule row and returns its reference (index + 1, audit bit when the mode audits). */
@FunctionalInterface
interface RuleRefs {
    int ref(String rule, int mode);
}
