package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Seed 001's "Usage Example: Cross-Cluster Sync", cluster1 active, cluster2 passive, as written. */
@QuarkusTest
@WithTestResource(TestClusters.class)
class KRMSyncerSeedFlowTest {

    TestClusters clusters;

    @AfterEach
    void deleteSyncers() {
        new KRMSyncers(clusters.client("cluster1")).deleteAll();
    }

    @Test
    void usageExample() throws Exception {
        // As on a real cluster, each cluster publishes its own CA bundle in every namespace: never to be copied over.
        clusters.kubectl("cluster1").createConfigMap("default", "kube-root-ca.crt", "ca.crt=cluster1-ca");
        clusters.kubectl("cluster2").createConfigMap("default", "kube-root-ca.crt", "ca.crt=cluster2-ca");
        KRMSyncers active = new KRMSyncers(clusters.client("cluster1"));
        // kubectl create secret generic destination-kubeconfig --from-file=kubeconfig=dest-kubeconfig.yaml
        active.kubeconfigSecret("default", "destination-kubeconfig", "kubeconfig", clusters.kubeconfigContent("cluster2"));
        // kubectl apply -f test-syncer.yaml
        active.applySample("test-syncer.yaml");
        Condition ready = active.awaitReady("default", "configmap-sync", "Synced");
        assertThat(ready.getStatus()).isEqualTo("True");
        assertThat(active.condition("default", "configmap-sync", "Suspended").getStatus()).isEqualTo("False");

        // kubectl create configmap test-sync-data --from-literal=key=value1
        clusters.kubectl("cluster1").createConfigMap("default", "test-sync-data", "key=value1");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConfigMap copy = clusters.kubectl("cluster2").configMap("default", "test-sync-data");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("key", "value1");
            assertThat(copy.getMetadata().getLabels()).containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "krmsyncer");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, "krmsyncer/default/configmap-sync")
                    .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/default/test-sync-data");
        });

        clusters.kubectl("cluster1").mergePatch(ConfigMap.class, "default", "test-sync-data", "{\"data\":{\"key\":\"value2\"}}");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                clusters.kubectl("cluster2").configMap("default", "test-sync-data").getData()).containsEntry("key", "value2"));
        await().untilAsserted(() -> {
            RuleStatus rule = active.rule("default", "configmap-sync", "ConfigMap");
            assertThat(rule.getSynced()).isEqualTo(1);
            assertThat(rule.getFailed()).isZero();
            assertThat(rule.getSkipped()).as("kube-root-ca.crt").isEqualTo(1);
            assertThat(active.get("default", "configmap-sync").getStatus().getSummary()).isEqualTo("1/1");
        });
        assertThat(clusters.kubectl("cluster2").configMap("default", "kube-root-ca.crt").getData())
                .containsEntry("ca.crt", "cluster2-ca");

        clusters.client("cluster1").configMaps().inNamespace("default").withName("test-sync-data").delete();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                clusters.kubectl("cluster2").configMap("default", "test-sync-data")).isNull());
    }
}
