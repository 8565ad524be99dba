package io.krmsync.propagation;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;

/** The multicluster-runtime sync example as written: apply example-cm.yaml in cluster1, see it in cluster2 and cluster3, patch, revert, delete. */
@QuarkusTest
class PropagationExampleFlowTest extends OperatorTest {

    @Test
    void theExampleRunsAsWritten() {
        String ns = namespaceNamed("default");

        // kubectl --kubeconfig ./cluster1.kubeconfig apply -f example-cm.yaml
        apply(Manifest.propagatedConfigMapSample());

        for (String provider : TestClusters.PROVIDERS) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ConfigMap copy = kubectl(provider).configMap(ns, "example-configmap");
                assertThat(copy).as("copy in %s", provider).isNotNull();
                assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("hello", "world"));
                assertThat(copy.getMetadata().getLabels()).containsEntry("example.io/propagate", "true")
                        .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "propagation");
                assertThat(copy.getMetadata().getAnnotations())
                        .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/default/example-configmap");
            });
        }

        // kubectl --kubeconfig ./cluster1.kubeconfig patch configmap example-configmap --type merge -p '{"data": {"hello": "brian"}}'
        kubectl().mergePatch(ConfigMap.class, ns, "example-configmap",
                "{\"data\": {\"hello\": \"brian\"}}");
        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(kubectl(provider).configMap(ns, "example-configmap")
                    .getData()).containsEntry("hello", "brian"));
        }

        // kubectl --kubeconfig ./cluster2.kubeconfig patch configmap example-configmap --type merge -p '{"data": {"hello": "hopper"}}'
        kubectl("cluster2").mergePatch(ConfigMap.class, ns, "example-configmap",
                "{\"data\": {\"hello\": \"hopper\"}}");
        await().untilAsserted(() -> assertThat(kubectl("cluster2").configMap(ns, "example-configmap")
                .getData()).containsEntry("hello", "brian"));

        // cluster1 is listed among the providers too: recognised as the local cluster, its ConfigMap is left as the user wrote it.
        ConfigMap local = kubectl().configMap(ns, "example-configmap");
        assertThat(local.getMetadata().getAnnotations()).doesNotContainKey(TrackingMetadata.OWNER_ANNOTATION);
        assertThat(local().v1().events().inNamespace(ns).list().getItems())
                .filteredOn(event -> "example-configmap".equals(event.getInvolvedObject().getName()))
                .noneMatch(event -> "Conflict".equals(event.getReason()));

        kubectl().deleteConfigMap(ns, "example-configmap");
        for (String provider : TestClusters.PROVIDERS) {
            // Well within the 15 s sweep: the deletion itself removes the copies.
            await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> assertThat(
                    kubectl(provider).configMap(ns, "example-configmap"))
                    .as("copy in %s after the source was deleted", provider).isNull());
        }
    }
}
