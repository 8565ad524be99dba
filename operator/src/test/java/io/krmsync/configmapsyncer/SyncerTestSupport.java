package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.awaitility.core.ConditionFactory;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.status.StatusConditions;
import io.krmsync.testing.Kubectl;

/** Shared steps of the ConfigMapSyncer operator tests: each test works in namespaces of its own. */
abstract class SyncerTestSupport {

    @Inject
    KubernetesClient client;

    Kubectl kubectl() {
        return new Kubectl(client);
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100));
    }

    ConfigMapSyncer applySyncer(String namespace, String name, String specYaml) {
        return kubectl().apply("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: %s
                  namespace: %s
                spec:
                %s
                """.formatted(name, namespace, specYaml.indent(2)), ConfigMapSyncer.class);
    }

    Condition awaitReady(String namespace, String name, String status, String reason) {
        eventually().untilAsserted(() -> {
            ConfigMapSyncer syncer = kubectl().syncer(namespace, name);
            assertThat(syncer.getStatus()).as("status of %s", name).isNotNull();
            Condition ready = StatusConditions.find(syncer.getStatus().getConditions(), StatusConditions.READY)
                    .orElseThrow();
            assertThat(ready.getStatus()).as("Ready: %s", ready.getMessage()).isEqualTo(status);
            assertThat(ready.getReason()).as("Ready reason: %s", ready.getMessage()).isEqualTo(reason);
            assertThat(syncer.getStatus().getObservedGeneration()).isEqualTo(syncer.getMetadata().getGeneration());
        });
        return StatusConditions.find(kubectl().syncer(namespace, name).getStatus().getConditions(),
                StatusConditions.READY).orElseThrow();
    }
}
