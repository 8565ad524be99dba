package io.krmsync.propagation;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** {@code krm-sync.propagation.conflict-policy=Overwrite}: a provider object krm-sync did not create is taken over. */
@QuarkusTest
@TestProfile(PropagationTakeOverTest.Overwrite.class)
class PropagationTakeOverTest extends OperatorTest {

    public static class Overwrite implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("krm-sync.propagation.conflict-policy", "Overwrite");
        }
    }

    @Test
    void anUnmanagedObjectOfTheSameNameIsTakenOver() {
        kubectl("cluster2").createNamespace(namespace);
        kubectl("cluster2").createConfigMap(namespace, "taken-over", "mine=yes");

        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withMetadata(new ObjectMetaBuilder().withName("taken-over")
                        .withLabels(Map.of("example.io/propagate", "true")).build())
                .withData(Map.of("k", "from-cluster1")).build()).create();

        await().untilAsserted(() -> {
            ConfigMap copy = kubectl("cluster2").configMap(namespace, "taken-over");
            assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("k", "from-cluster1"));
            assertThat(copy.getMetadata().getLabels()).containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "propagation");
        });
    }
}
