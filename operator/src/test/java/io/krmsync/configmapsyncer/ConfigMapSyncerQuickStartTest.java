package io.krmsync.configmapsyncer;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/** The upstream operator's integration test scenario, in the namespaces it names. */
@QuarkusTest
class ConfigMapSyncerQuickStartTest extends OperatorTest {

    @Test
    void integrationTestScenario() {
        String source = namespaceNamed("default"), dev = namespaceNamed("dev"), staging = namespaceNamed("staging");
        kubectl().createConfigMap(source, "test-config", "key1=value1", "key2=value2");
        ConfigMapSyncer syncer = apply(Manifest.integrationTestSyncer());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ConfigMap copy = kubectl().configMap(dev, "test-config");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("key1", "value1");
        });
        await().untilAsserted(() -> assertThat(latest(syncer).getStatus().getSyncedNamespaces())
                .containsExactly(dev, staging));
        kubectl().mergePatch(ConfigMap.class, source, "test-config", "{\"data\":{\"key1\":\"updated-value\"}}");
        await().untilAsserted(() -> assertThat(kubectl().configMap(dev, "test-config").getData())
                .containsEntry("key1", "updated-value"));
        kubectl().delete(syncer);
        await().untilAsserted(() -> {
            assertThat(kubectl().configMap(dev, "test-config")).isNull();
            assertThat(kubectl().configMap(staging, "test-config")).isNull();
            assertThat(latest(syncer)).isNull();
        });
    }
}
