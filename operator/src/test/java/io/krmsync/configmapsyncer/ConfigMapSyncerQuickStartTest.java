package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConfigMapSyncerQuickStartTest {

    @Inject
    KubernetesClient client;

    @Test
    void integrationTestScenario() {
        for (String ns : new String[] { "default", "dev", "staging" }) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
        }
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("test-config").endMetadata().withData(Map.of("key1", "value1", "key2", "value2")).build()).create();
        new io.krmsync.testing.Kubectl(client).apply("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: test-syncer
                  namespace: default
                spec:
                  sourceNamespace: default
                  sourceConfigMap: test-config
                  targetNamespaces:
                    - dev
                    - staging
                """, ConfigMapSyncer.class);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ConfigMap dev = client.configMaps().inNamespace("dev").withName("test-config").get();
            assertThat(dev).isNotNull();
            assertThat(dev.getData()).containsEntry("key1", "value1");
        });
        await().untilAsserted(() -> {
            ConfigMapSyncer syncer = client.resources(ConfigMapSyncer.class).inNamespace("default").withName("test-syncer").get();
            assertThat(syncer.getStatus().getSyncedNamespaces()).containsExactly("dev", "staging");
        });
        new io.krmsync.testing.Kubectl(client).mergePatch(ConfigMap.class, "default", "test-config",
                "{\"data\":{\"key1\":\"updated-value\"}}");
        await().untilAsserted(() -> assertThat(
                client.configMaps().inNamespace("dev").withName("test-config").get().getData()).containsEntry("key1", "updated-value"));
        client.resources(ConfigMapSyncer.class).inNamespace("default").withName("test-syncer").delete();
        await().untilAsserted(() -> {
            assertThat(client.configMaps().inNamespace("dev").withName("test-config").get()).isNull();
            assertThat(client.configMaps().inNamespace("staging").withName("test-config").get()).isNull();
            assertThat(client.resources(ConfigMapSyncer.class).inNamespace("default").withName("test-syncer").get()).isNull();
        });
    }
}
