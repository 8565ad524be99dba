package io.krmsync.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.OperatorEndpoints;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** What Prometheus and the kubelet see: /q/metrics and /q/health of the running operator. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MetricsAndHealthTest {

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void metricsShowTheSdkReconciliationsAndKrmSyncCopyWrites() {
        Kubectl kubectl = new Kubectl(client);
        kubectl.createNamespace("metrics-src");
        kubectl.createNamespace("metrics-dev");
        kubectl.createConfigMap("metrics-src", "app-config", "k=v");
        kubectl.apply("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: metrics
                  namespace: metrics-src
                spec:
                  sourceNamespace: metrics-src
                  sourceConfigMap: app-config
                  targetNamespaces: [metrics-dev]
                """, ConfigMapSyncer.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.configMap("metrics-dev", "app-config") != null);
        kubectl.mergePatch(io.fabric8.kubernetes.api.model.ConfigMap.class, "metrics-src", "app-config",
                "{\"data\":{\"k\":\"v2\"}}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = get("/q/metrics").body();
            assertThat(metrics)
                    .contains("krm_sync_copy_writes_total{cluster=\"local\",operation=\"create\",reconciler=\"configmapsyncer\"}")
                    .contains("krm_sync_copy_writes_total{cluster=\"local\",operation=\"update\",reconciler=\"configmapsyncer\"}")
                    .contains("krm_sync_copy_latency_seconds_count{cluster=\"local\",reconciler=\"configmapsyncer\"} 1.0")
                    .containsPattern("operator_sdk_reconciliations_(started|executions)");
        });
    }

    @Test
    void sdkMetricsOfACoreKindAndACustomResourceLiveSideBySide() {
        Kubectl kubectl = new Kubectl(client);
        kubectl.createNamespace("metrics-mixed");
        kubectl.createConfigMap("metrics-mixed", "source", "k=v");
        kubectl.apply("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: mixed
                  namespace: metrics-mixed
                spec:
                  sourceNamespace: metrics-mixed
                  sourceConfigMap: source
                  targetNamespaces: [metrics-mixed]
                """, ConfigMapSyncer.class);
        // A core-group primary (PropagationReconciler's ConfigMaps): the SDK's binder omits its empty group tag.
        client.configMaps().inNamespace("metrics-mixed").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("propagated").addToLabels("example.io/propagate", "true").endMetadata().build()).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(get("/q/metrics").body())
                .containsPattern("operator_sdk_events_received_total\\{[^}]*kind=\"ConfigMapSyncer\"")
                .containsPattern("operator_sdk_events_received_total\\{[^}]*kind=\"ConfigMap\""));
        // Per kind, never per resource: one series set per labelled ConfigMap would be unbounded.
        assertThat(get("/q/metrics").body().lines().filter(line -> line.startsWith("operator_sdk_")))
                .isNotEmpty()
                .noneMatch(line -> line.matches(".*[{,](resource_)?name=\".*"));
    }

    @Test
    void readinessReflectsInformerSync() throws Exception {
        HttpResponse<String> ready = get("/q/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"status\": \"UP\"");
        assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) {
        return new OperatorEndpoints(port).get(path);
    }
}
