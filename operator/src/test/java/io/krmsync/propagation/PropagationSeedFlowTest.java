package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Seed 000 as written: apply example-cm.yaml in cluster1, see it in cluster2 and cluster3, patch, revert, delete. */
@QuarkusTest
@WithTestResource(TestClusters.class)
class PropagationSeedFlowTest {

    TestClusters clusters;

    @Test
    void seedFlow() throws Exception {
        KubernetesClient cluster1 = clusters.client("cluster1");
        String exampleCm = Files.readString(Path.of("../kubernetes/samples/example-cm.yaml"));

        // kubectl --kubeconfig ./cluster1.kubeconfig apply -f example-cm.yaml
        clusters.kubectl("cluster1").apply(exampleCm, ConfigMap.class);

        for (String provider : TestClusters.PROVIDERS) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                ConfigMap copy = clusters.kubectl(provider).configMap("default", "example-configmap");
                assertThat(copy).as("copy in %s", provider).isNotNull();
                assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("hello", "world"));
                assertThat(copy.getMetadata().getLabels()).containsEntry("example.io/propagate", "true")
                        .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "propagation");
                assertThat(copy.getMetadata().getAnnotations())
                        .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "cluster1/default/example-configmap");
            });
        }

        // kubectl --kubeconfig ./cluster1.kubeconfig patch configmap example-configmap --type merge -p '{"data": {"hello": "brian"}}'
        clusters.kubectl("cluster1").mergePatch(ConfigMap.class, "default", "example-configmap",
                "{\"data\": {\"hello\": \"brian\"}}");
        for (String provider : TestClusters.PROVIDERS) {
            await().untilAsserted(() -> assertThat(clusters.kubectl(provider).configMap("default", "example-configmap")
                    .getData()).containsEntry("hello", "brian"));
        }

        // kubectl --kubeconfig ./cluster2.kubeconfig patch configmap example-configmap --type merge -p '{"data": {"hello": "hopper"}}'
        clusters.kubectl("cluster2").mergePatch(ConfigMap.class, "default", "example-configmap",
                "{\"data\": {\"hello\": \"hopper\"}}");
        await().untilAsserted(() -> assertThat(clusters.kubectl("cluster2").configMap("default", "example-configmap")
                .getData()).containsEntry("hello", "brian"));

        // cluster1 is listed among the providers too: recognised as the local cluster, its ConfigMap is left as the user wrote it.
        ConfigMap local = cluster1.configMaps().inNamespace("default").withName("example-configmap").get();
        assertThat(local.getMetadata().getAnnotations()).doesNotContainKey(TrackingMetadata.OWNER_ANNOTATION);
        assertThat(cluster1.v1().events().inNamespace("default").list().getItems())
                .filteredOn(event -> "example-configmap".equals(event.getInvolvedObject().getName()))
                .noneMatch(event -> "Conflict".equals(event.getReason()));

        cluster1.configMaps().inNamespace("default").withName("example-configmap").delete();
        for (String provider : TestClusters.PROVIDERS) {
            // Well within the 15 s sweep: the deletion itself removes the copies.
            await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> assertThat(
                    clusters.kubectl(provider).configMap("default", "example-configmap"))
                    .as("copy in %s after the source was deleted", provider).isNull());
        }
    }
}
