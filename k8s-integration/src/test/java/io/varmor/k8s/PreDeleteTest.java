package io.varmor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varmor.k8s.model.VarmorClusterPolicyResource;
import io.varmor.k8s.model.VarmorPolicyResource;
import io.varmor.k8s.operator.PreDelete;
import io.varmor.k8s.support.MockCluster;
import io.varmor.k8s.support.Policies;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PreDeleteTest {
    @Test
    void thePreDeleteHookDeletesEveryPolicyOfBothKinds() {
        try (MockCluster m = new MockCluster()) {
            var k = m.client();
            Policies.create(k, Policies.vpol("a", "p1", "AppArmor", "AlwaysAllow", ""));
            Policies.create(k, Policies.vpol("b", "p2", "AppArmor", "AlwaysAllow", ""));
            Policies.createCluster(k, "apiVersion: crd.varmor.org/v1beta1\nkind: VarmorClusterPolicy\nmetadata: {name: c1}\n"
                    + "spec: {target: {kind: Pod, name: x}, policy: {enforcer: AppArmor, mode: AlwaysAllow}}\n");
            assertEquals(3, PreDelete.run(k, Duration.ZERO));
            assertTrue(k.resources(VarmorPolicyResource.class).inAnyNamespace().list().getItems().isEmpty());
            assertTrue(k.resources(VarmorClusterPolicyResource.class).list().getItems().isEmpty());
        }
    }
}
