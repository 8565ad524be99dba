package io.krmsync.krmsyncer;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/** The upstream KRMSyncer "Usage Example: Cross-Cluster Sync", cluster1 active, cluster2 passive, as written. */
@QuarkusTest
class KRMSyncerExampleFlowTest extends OperatorTest {

    @Test
    void usageExample() {
        String ns = namespaceNamed("default");
        // As on a real cluster, each cluster publishes its own CA bundle in every namespace: never to be copied over.
        kubectl().createConfigMap(ns, "kube-root-ca.crt", "ca.crt=cluster1-ca");
        kubectl("cluster2").createConfigMap(ns, "kube-root-ca.crt", "ca.crt=cluster2-ca");
        // kubectl create secret generic destination-kubeconfig --from-file=kubeconfig=dest-kubeconfig.yaml
        kubectl().applySecret(ns, "destination-kubeconfig", "kubeconfig", clusters.kubeconfigContent("cluster2"));
        // kubectl apply -f test-syncer.yaml
        KRMSyncer syncer = apply(Manifest.krmSyncerSample().inNamespace(ns));
        awaitReady(syncer, "Synced");
        assertThat(latest(syncer)).hasCondition("Suspended", "False");

        // kubectl create configmap test-sync-data --from-literal=key=value1
        kubectl().createConfigMap(ns, "test-sync-data", "key=value1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConfigMap copy = kubectl("cluster2").configMap(ns, "test-sync-data");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("key", "value1");
            assertThat(copy.getMetadata().getLabels()).containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "krmsyncer");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, "krmsyncer/default/configmap-sync")
                    .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/default/test-sync-data");
        });

        kubectl().mergePatch(ConfigMap.class, ns, "test-sync-data", "{\"data\":{\"key\":\"value2\"}}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kubectl("cluster2").configMap(ns, "test-sync-data").getData()).containsEntry("key", "value2"));
        await().untilAsserted(() -> {
            RuleStatus rule = ruleOf(latest(syncer), "ConfigMap");
            assertThat(rule.getSynced()).isEqualTo(1);
            assertThat(rule.getFailed()).isZero();
            assertThat(rule.getSkipped()).as("kube-root-ca.crt").isEqualTo(1);
            assertThat(latest(syncer).getStatus().getSummary()).isEqualTo("1/1");
        });
        assertThat(kubectl("cluster2").configMap(ns, "kube-root-ca.crt").getData())
                .containsEntry("ca.crt", "cluster2-ca");

        kubectl().deleteConfigMap(ns, "test-sync-data");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                kubectl("cluster2").configMap(ns, "test-sync-data")).isNull());
    }
}
