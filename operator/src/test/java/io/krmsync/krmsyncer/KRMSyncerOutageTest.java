package io.krmsync.krmsyncer;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/** A destination that goes away while nothing needs writing, and comes back rebuilt from scratch. */
@QuarkusTest
class KRMSyncerOutageTest extends OperatorTest {

    @Test
    void outageInASteadyStateIsReportedAndTheRebuiltDestinationIsRefilled() {
        kubectl().createConfigMap(namespace, "settings", "mode=active");
        kubectl().applySecret(namespace, "standby-kubeconfig", "kubeconfig", clusters.kubeconfigContent("cluster3"));
        KRMSyncer syncer = apply(krmSyncer("to-standby", "standby-kubeconfig"));
        awaitReady(syncer, "Synced");
        await().untilAsserted(() -> assertThat(kubectl("cluster3").configMap(namespace, "settings")).isNotNull());

        int port = clusters.port("cluster3");
        clusters.stop("cluster3");
        // Nothing changes in cluster1: the broken watch alone must surface the outage.
        awaitNotReady(syncer, "DestinationUnreachable");

        clusters.restart("cluster3", port);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                kubectl("cluster3").configMap(namespace, "settings")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("mode", "active")));
        awaitReady(syncer, "Synced");
    }
}
