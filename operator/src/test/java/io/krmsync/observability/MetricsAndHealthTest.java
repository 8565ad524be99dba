package io.krmsync.observability;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;

/** What Prometheus and the kubelet see: /q/metrics and /q/health of the running operator. */
@QuarkusTest
class MetricsAndHealthTest extends OperatorTest {

    private static final String LATENCY_COUNT = "krm_sync_copy_latency_seconds_count";

    @Test
    void metricsShowTheSdkReconciliationsAndKrmSyncCopyWrites() {
        // The operator serves every test of the run: what this test adds to the latency count is what it checks.
        Map<String, String> latencyLabels = Map.of("cluster", LOCAL, "reconciler", "configmapsyncer");
        double latenciesBefore = scrape().value(LATENCY_COUNT, latencyLabels).orElse(0.0);
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        apply(configMapSyncer("metrics", dev));
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl().configMap(dev, "app-config") != null);
        kubectl().mergePatch(ConfigMap.class, namespace, "app-config", "{\"data\":{\"k\":\"v2\"}}");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = get("/q/metrics").body();
            assertThat(metrics)
                    .contains("krm_sync_copy_writes_total{cluster=\"" + LOCAL + "\",operation=\"create\",reconciler=\"configmapsyncer\"}")
                    .contains("krm_sync_copy_writes_total{cluster=\"" + LOCAL + "\",operation=\"update\",reconciler=\"configmapsyncer\"}")
                    .containsPattern("operator_sdk_reconciliations_(started|executions)");
            assertThat(Scrape.parse(metrics).value(LATENCY_COUNT, latencyLabels)).contains(latenciesBefore + 1);
        });
    }

    @Test
    void sdkMetricsOfACoreKindAndACustomResourceLiveSideBySide() {
        kubectl().createConfigMap(namespace, "source", "k=v");
        apply(configMapSyncer("mixed", namespace).with("spec.sourceConfigMap", "source"));
        // A core-group primary (PropagationReconciler's ConfigMaps): the SDK's binder omits its empty group tag.
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
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
        return operator().get(path);
    }
}
