package io.krmsync.hardening;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.testing.Eventually;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 13: a custom resource carrying fields this version of krm-sync does not know (a newer CRD's, or today's
 * upstream KRMSyncer API's {@code mode} and {@code syncFields}) is reconciled like any other, with what it knows: it
 * stops neither its controller nor the syncers beside it. A real API server keeps such fields wherever the installed
 * CRD's schema has them, and CRD upgrades and downgrades deliver them to an operator that does not know them.
 */
@QuarkusTest
class UnknownFieldsTest extends OperatorTest {

    @Test
    void aKRMSyncerWithFieldsFromANewerAPIStopsNoKRMSyncer() {
        kubectl().applySecret(namespace, "cluster2", "kubeconfig", clusters.kubeconfigContent("cluster2"));
        kubectl().applyAsWritten(krmSyncer("from-upstream", "cluster2").with("spec.mode", "push")
                .with("spec.rules[0].syncFields", List.of("spec")).with("spec.destination.future", Map.of("a", 1)));
        KRMSyncer today = apply(krmSyncer("today", "cluster2"));

        awaitReady(today, "Synced");
        eventually(Eventually.AT_MOST).untilAsserted(() -> assertThat(readyReason("syncer.gkelabs.io/v1alpha1",
                "KRMSyncer", "from-upstream")).isEqualTo("Synced"));
    }

    @Test
    void aConfigMapSyncerWithFieldsFromANewerAPIStopsNoConfigMapSyncer() {
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        kubectl().applyAsWritten(configMapSyncer("from-the-future", namespace("future")).with("spec.dryRun", true)
                .with("spec.transforms", List.of(Map.of("set", "x"))));
        ConfigMapSyncer today = apply(configMapSyncer("today", namespace("today")));

        awaitReady(today, "Synced");
        awaitCopy(LOCAL, namespace + "-future", "app-config", copy -> assertThat(copy.getData()).containsEntry("k", "v"));
        eventually(Eventually.AT_MOST).untilAsserted(() -> assertThat(readyReason("config.example.com/v1alpha1",
                "ConfigMapSyncer", "from-the-future")).isEqualTo("Synced"));
        assertThat(operator().get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    /** {@code kubectl get KIND NAME -o jsonpath='{.status.conditions[?(@.type=="Ready")].reason}'} */
    @SuppressWarnings("unchecked")
    private String readyReason(String apiVersion, String kind, String name) {
        GenericKubernetesResource syncer = local().genericKubernetesResources(apiVersion, kind).inNamespace(namespace)
                .withName(name).get();
        Object status = syncer.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> fields) || !(fields.get("conditions") instanceof List<?> conditions)) {
            return null;
        }
        return conditions.stream().map(condition -> (Map<String, Object>) condition)
                .filter(condition -> "Ready".equals(condition.get("type")))
                .map(condition -> (String) condition.get("reason")).findFirst().orElse(null);
    }
}
