package io.krmsync.observability;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.observability.MonitoringFiles.Query;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Every metric and label that the alert rules and the dashboard of kubernetes/monitoring/ read is one the running
 * operator serves: a renamed metric or a misspelt label would otherwise leave an alert that never fires or an empty
 * panel. Counters exist once counted, so the test first makes the operator do what each one counts.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MonitoringMetricsTest {

    /** Series Prometheus makes itself, not scraped from the operator. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");

    private static final String SOURCE = "monitoring-src";
    private static final String COPIED = "monitoring-copied";
    private static final String TAKEN = "monitoring-taken";
    private static final String REFUSED = "monitoring-refused";
    private static final String READY = "monitoring-ready";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void everyMetricAndLabelTheAlertsAndTheDashboardReadIsServed() {
        Kubectl kubectl = new Kubectl(client);
        for (String namespace : new String[] { SOURCE, COPIED, TAKEN, REFUSED, READY }) {
            kubectl.createNamespace(namespace);
        }
        kubectl.createConfigMap(SOURCE, "app", "k=v");
        // krm_sync_conflicts_total: a ConfigMap of the same name that krm-sync did not create (conflictPolicy Skip).
        kubectl.createConfigMap(TAKEN, "app", "k=theirs");
        // krm_sync_errors_total: the API server refuses the copy in one namespace.
        server.expect().post().withPath("/api/v1/namespaces/" + REFUSED + "/configmaps")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("configmaps is forbidden").build())
                .always();
        // operator_sdk_reconciliations_failed_total: one status write of a syncer is refused (not a 5xx, which the
        // client retries by itself); the SDK's retry succeeds.
        server.expect().patch()
                .withPath("/apis/config.example.com/v1alpha1/namespaces/" + SOURCE + "/configmapsyncers/ready/status")
                .andReturn(422, new StatusBuilder().withCode(422).withReason("Invalid")
                        .withMessage("status is invalid").build())
                .once();
        kubectl.apply(syncer("fan-out", COPIED, TAKEN, REFUSED), ConfigMapSyncer.class);
        // The syncer gauges' timestamps: a syncer that gets Ready.
        kubectl.apply(syncer("ready", READY), ConfigMapSyncer.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.configMap(COPIED, "app") != null);

        // krm_sync_copy_writes_total{operation="update"} and krm_sync_copy_latency_seconds: the source changes.
        kubectl.mergePatch(ConfigMap.class, SOURCE, "app", "{\"data\":{\"k\":\"v2\"}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "v2".equals(kubectl.configMap(COPIED, "app").getData().get("k")));
        // krm_sync_drift_corrected_total: someone edits the copy.
        kubectl.mergePatch(ConfigMap.class, COPIED, "app", "{\"data\":{\"k\":\"edited\"}}");
        // PropagationReconciler's SDK metrics (a core kind).
        client.configMaps().inNamespace(SOURCE).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("propagated").addToLabels("example.io/propagate", "true").endMetadata().build()).create();
        // krm_sync_cluster_reachable: a remote cluster, from a kubeconfig Secret, that answers nothing.
        client.secrets().inNamespace(client.getNamespace()).resource(new SecretBuilder().withNewMetadata()
                .withName("nowhere").addToLabels("krm-sync.io/cluster-kubeconfig", "true").endMetadata()
                .withData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(
                        unreachableKubeconfig().getBytes(StandardCharsets.UTF_8))))
                .build()).create();

        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Scrape scrape = Scrape.of(new OperatorEndpoints(port));
                SoftAssertions softly = new SoftAssertions();
                for (Query query : MonitoringFiles.allQueries()) {
                    softly.assertThat(query.metrics()).as("%s reads no metric: %s", query.where(), query.promql())
                            .isNotEmpty();
                    Set<String> labels = new HashSet<>(MonitoringFiles.TARGET_LABELS);
                    for (String metric : query.metrics()) {
                        if (MADE_BY_PROMETHEUS.contains(metric)) {
                            continue;
                        }
                        softly.assertThat(scrape.names()).as("%s reads %s", query.where(), metric).contains(metric);
                        scrape.samples(metric).forEach(sample -> labels.addAll(sample.labels().keySet()));
                    }
                    softly.assertThat(labels).as("labels of %s, which %s reads", query.metrics(), query.where())
                            .containsAll(query.labels());
                }
                softly.assertAll();
            });
        } finally {
            client.secrets().inNamespace(client.getNamespace()).withName("nowhere").delete();
        }
    }

    private static String syncer(String name, String... targetNamespaces) {
        return """
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  sourceNamespace: %s
                  sourceConfigMap: app
                  targetNamespaces: [%s]
                """.formatted(name, SOURCE, SOURCE, String.join(", ", targetNamespaces));
    }

    private static String unreachableKubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: nowhere
                  cluster:
                    server: https://127.0.0.1:1
                users:
                - name: nowhere
                  user: {}
                contexts:
                - name: nowhere
                  context:
                    cluster: nowhere
                    user: nowhere
                current-context: nowhere
                """;
    }
}
