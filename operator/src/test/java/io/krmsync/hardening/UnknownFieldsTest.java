package io.krmsync.hardening;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 13: a custom resource carrying fields this version of krm-sync does not know (a newer CRD's, or today's
 * upstream KRMSyncer API's {@code mode} and {@code syncFields}) used to stop its controller's informer, and with it
 * every syncer of the kind. Now that object alone is refused, naming the fields, and writes nothing (acting without
 * them could push where it says pull, or write where it says dry-run); the syncers beside it go on.
 */
@QuarkusTest
class UnknownFieldsTest extends OperatorTest {

    @Test
    void aKRMSyncerWithFieldsFromANewerAPIIsRefusedAloneAndTheOthersSync() {
        kubectl().applySecret(namespace, "cluster2", "kubeconfig", clusters.kubeconfigContent("cluster2"));
        kubectl().createConfigMap(namespace, "app", "k=v");
        kubectl().applyAsWritten(krmSyncer("from-upstream", "cluster2").with("spec.mode", "pull")
                .with("spec.rules[0].syncFields", List.of("status")).with("spec.destination.future", Map.of("a", 1)));
        KRMSyncer today = apply(krmSyncer("today", "cluster2"));

        awaitReady(today, "Synced");
        awaitCopy("cluster2", namespace, "app", copy -> assertThat(copy.getData()).containsEntry("k", "v"));
        eventually().untilAsserted(() -> assertThat(readyCondition("syncer.gkelabs.io/v1alpha1", "KRMSyncer",
                "from-upstream")).containsEntry("reason", "InvalidSpec").containsEntry("message",
                        "spec.mode, spec.destination.future, spec.rules[0].syncFields are not fields this version of"
                                + " krm-sync knows (a newer CRD's?); nothing is synced until the spec has only known"
                                + " fields or krm-sync is upgraded"));
    }

    @Test
    void aConfigMapSyncerWithFieldsFromANewerAPIIsRefusedAloneAndTheOthersSync() {
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        String future = namespace("future");
        kubectl().applyAsWritten(configMapSyncer("from-the-future", future).with("spec.dryRun", true));
        ConfigMapSyncer today = apply(configMapSyncer("today", namespace("today")));

        awaitReady(today, "Synced");
        eventually().untilAsserted(() -> assertThat(readyCondition("config.example.com/v1alpha1", "ConfigMapSyncer",
                "from-the-future")).containsEntry("reason", "InvalidSpec")
                .hasEntrySatisfying("message", message -> assertThat((String) message).contains("spec.dryRun is not a"
                        + " field this version of krm-sync knows")));
        assertThat(kubectl().configMap(future, "app-config")).as("written by a syncer that asked for a dry run").isNull();
        assertThat(operator().get("/q/health/ready").statusCode()).isEqualTo(200);
    }

    /** {@code kubectl get KIND NAME -o jsonpath='{.status.conditions[?(@.type=="Ready")]}'}, read as written. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> readyCondition(String apiVersion, String kind, String name) {
        GenericKubernetesResource syncer = local().genericKubernetesResources(apiVersion, kind).inNamespace(namespace)
                .withName(name).get();
        Object status = syncer.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> fields) || !(fields.get("conditions") instanceof List<?> conditions)) {
            return Map.of();
        }
        return conditions.stream().map(condition -> (Map<String, Object>) condition)
                .filter(condition -> "Ready".equals(condition.get("type"))).findFirst().orElse(Map.of());
    }
}
