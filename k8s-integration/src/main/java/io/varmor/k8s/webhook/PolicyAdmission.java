package io.varmor.k8s.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.varmor.api.PolicyResource;
import io.varmor.api.diag.Diagnostic;
import io.varmor.api.diag.ErrorId;
import io.varmor.api.diag.InvalidInputException;
import io.varmor.api.io.Manifests;
import io.varmor.api.io.ParsedDocument;
import io.varmor.api.meta.ObjectMeta;
import io.varmor.core.compile.CompiledPolicy;
import io.varmor.core.compile.PolicyCompiler;
import io.varmor.core.model.ModelPolicies;
import io.varmor.k8s.model.KubeJson;
import io.varmor.core.validate.PolicyValidator;
import io.varmor.core.validate.Problems;
import io.varmor.k8s.model.KubeJson;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The validating webhook's decision for a VarmorPolicy / VarmorClusterPolicy CREATE or UPDATE: the object is read
 * strictly and compiled by {@code varmor-core} (all of vArmor's rules plus varmor's), UPDATEs are also checked against
 * the old object (immutable target, AppArmor/Seccomp cannot be removed, no leaving BehaviorModeling while
 * {@code phase: Modeling}). Every problem is reported at once, each with its field path.
 */
public final class PolicyAdmission {
    private static final Set<String> META_FIELDS = new HashSet<>();

    static {
        for (RecordComponent c : ObjectMeta.class.getRecordComponents()) {
            META_FIELDS.add(c.getName());
        }
    }

    /** The decision: allowed, or denied with diagnostics; warnings either way. */
    public record Decision(boolean allowed, List<Diagnostic> errors, List<String> warnings) {
        /** One line per error: {@code FIELD: message [error-id]}. */
        public String message() {
            StringBuilder sb = new StringBuilder("the policy is invalid: ");
            for (int i = 0; i < errors.size(); i++) {
                Diagnostic d = errors.get(i);
                sb.append(i == 0 ? "" : "; ").append(d.path() == null || d.path().isEmpty() ? "" : d.path() + ": ")
                        .append(d.message()).append(" [").append(d.id().id()).append("]");
            }
            return sb.toString();
        }
    }

    private final PolicyCompiler compiler;

    public PolicyAdmission(PolicyCompiler compiler) {
        this.compiler = compiler;
    }

    public Decision review(AdmissionReviews.Request r) {
        if (!"CREATE".equals(r.operation()) && !"UPDATE".equals(r.operation())) {
            return new Decision(true, List.of(), List.of());
        }
        List<Diagnostic> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        ParsedDocument doc;
        try {
            doc = read(r.object(), r.namespace());
        } catch (InvalidInputException e) {
            return new Decision(false, e.diagnostics(), List.of());
        }
        if (!(doc.resource() instanceof PolicyResource p)) {
            return new Decision(false, List.of(new Diagnostic(ErrorId.UNSUPPORTED_KIND, "kind", 0, 0,
                    "expected VarmorPolicy or VarmorClusterPolicy, found " + doc.resource().kind())), List.of());
        }
        try {
            // a DefenseInDepth policy built from a behaviour model is compiled against the model by the controller;
            // here everything else of it is checked, with a stand-in for the model's profiles
            PolicyResource checked = ModelPolicies.usesBehaviorModel(p)
                    ? ModelPolicies.withPlaceholderModel(p, KubeJson.profileName(p, compiler.options())) : p;
            CompiledPolicy c = compiler.compile(checked, doc.sourceMap());
            warnings.addAll(c.warnings());
        } catch (InvalidInputException e) {
            errors.addAll(e.diagnostics());
        }
        if ("UPDATE".equals(r.operation()) && r.oldObject() != null && r.oldObject().isObject()) {
            try {
                PolicyResource old = (PolicyResource) read(r.oldObject(), r.namespace()).resource();
                Problems problems = new Problems(doc.sourceMap());
                PolicyValidator.validateUpdate(old, p, compiler.knownEnforcers(), problems);
                modeling(old, p, problems);
                errors.addAll(problems.errors());
            } catch (InvalidInputException | ClassCastException e) {
                // an old object that no longer parses cannot constrain the update
            }
        }
        return new Decision(errors.isEmpty(), errors, warnings);
    }

    /** vArmor: no leaving BehaviorModeling, nor changing the enforcer, while the policy is modelling. */
    private static void modeling(PolicyResource old, PolicyResource now, Problems out) {
        boolean modelling = old.status() != null && "Modeling".equals(old.status().phase());
        if (!modelling || old.spec() == null || now.spec() == null || old.spec().policy() == null || now.spec().policy() == null) {
            return;
        }
        if (!"BehaviorModeling".equals(now.spec().policy().mode())) {
            out.error(ErrorId.IMMUTABLE_FIELD, "spec.policy.mode", "the policy is modelling (phase Modeling); "
                    + "wait until modelling completes, or shorten modelingOptions.duration, before changing the mode");
        }
        if (!java.util.Objects.equals(old.spec().policy().enforcer(), now.spec().policy().enforcer())) {
            out.error(ErrorId.IMMUTABLE_FIELD, "spec.policy.enforcer", "the enforcer cannot change while the policy is modelling");
        }
    }

    /**
     * Reads an object from the API server strictly, except for metadata fields varmor does not model. The namespace
     * of the request fills in a missing {@code metadata.namespace}.
     */
    static ParsedDocument read(JsonNode object, String namespace) {
        ObjectNode o = object.deepCopy();
        JsonNode meta = o.get("metadata");
        if (meta instanceof ObjectNode m) {
            m.retain(META_FIELDS);
            if (!m.has("namespace") && namespace != null && !namespace.isEmpty() && "VarmorPolicy".equals(o.path("kind").asText())) {
                m.put("namespace", namespace);
            }
        }
        List<ParsedDocument> docs = Manifests.parse(o.toString());
        return docs.get(0);
    }

}
