package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A destination that goes away while nothing needs writing, and comes back rebuilt from scratch. */
@QuarkusTest
@WithTestResource(TestClusters.class)
class KRMSyncerOutageTest {

    TestClusters clusters;

    @AfterEach
    void deleteSyncers() {
        new KRMSyncers(clusters.client("cluster1")).deleteAll();
    }

    @Test
    void outageInASteadyStateIsReportedAndTheRebuiltDestinationIsRefilled() {
        KRMSyncers active = new KRMSyncers(clusters.client("cluster1"));
        clusters.kubectl("cluster1").createNamespace("outage");
        clusters.kubectl("cluster1").createConfigMap("outage", "settings", "mode=active");
        active.kubeconfigSecret("outage", "standby-kubeconfig", "kubeconfig", clusters.kubeconfigContent("cluster3"));
        active.apply("""
                apiVersion: syncer.gkelabs.io/v1alpha1
                kind: KRMSyncer
                metadata:
                  name: to-standby
                  namespace: outage
                spec:
                  rules:
                    - {group: "", version: v1, kind: ConfigMap, namespaces: [outage]}
                  destination:
                    clusterConfig:
                      kubeConfigSecretRef: {name: standby-kubeconfig}
                """);
        active.awaitReady("outage", "to-standby", "Synced");
        await().untilAsserted(() -> assertThat(clusters.kubectl("cluster3").configMap("outage", "settings")).isNotNull());

        int port = clusters.port("cluster3");
        clusters.stop("cluster3");
        // Nothing changes in cluster1: the broken watch alone must surface the outage.
        assertThat(active.awaitReady("outage", "to-standby", "DestinationUnreachable").getStatus()).isEqualTo("False");

        clusters.restart("cluster3", port);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                clusters.kubectl("cluster3").configMap("outage", "settings")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("mode", "active")));
        active.awaitReady("outage", "to-standby", "Synced");
    }
}
