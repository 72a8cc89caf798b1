package io.varmor.k8s;

/** Names shared by the operator, the webhooks and the agent: API group, annotations, labels, finalizer. */
public final class Names {
    public static final String GROUP = "crd.varmor.org";
    public static final String VERSION = "v1beta1";
    public static final String API_VERSION = GROUP + "/" + VERSION;

    /** Finalizer on every ArmorProfile (vArmor's). */
    public static final String FINALIZER = "varmor.org/ap-protection";

    /** Per-container BPF profile reference and opt-out ({@code unconfined}). */
    public static final String BPF_ANNOTATION = "container.bpf.security.beta.varmor.org/";
    /** Per-container AppArmor reference (K8s ≥ 1.30) and opt-out. */
    public static final String APPARMOR_ANNOTATION = "container.apparmor.security.beta.varmor.org/";
    /** Kubernetes' own AppArmor annotation (K8s &lt; 1.30). */
    public static final String K8S_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";
    /** Per-container Seccomp reference and opt-out. */
    public static final String SECCOMP_ANNOTATION = "container.seccomp.security.beta.varmor.org/";
    /** Set by the mutating webhook on every object it changed. */
    public static final String MUTATED_AT = "webhook.varmor.org/mutatedAt";
    /** Pod-template annotation that rolls a workload (updateExistingWorkloads). */
    public static final String RESTARTED_AT = "controller.varmor.org/restartedAt";
    /** ArmorProfile annotation whose change makes every agent re-process the profile. */
    public static final String RECONCILE_COUNTER = "profile-reconcile-counter";
    /** Value that opts a container out of an enforcer. */
    public static final String UNCONFINED = "unconfined";
    /** Prefix of a profile reference in an annotation. */
    public static final String LOCALHOST = "localhost/";
    /** Default object selector of the mutating webhook ({@code --webhookMatchLabel}). */
    public static final String DEFAULT_MATCH_LABEL = "sandbox.varmor.org/enable=true";

    private Names() {}
}
