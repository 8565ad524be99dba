package io.krmsync.observability;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.krmsync.observability.MonitoringFiles.Query;
import io.krmsync.sandbox.SandboxApiServer;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Scrape;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every metric and label that the alert rules and the dashboard of kubernetes/monitoring/ read is one the running
 * operator serves: a renamed metric or a misspelt label would otherwise leave an alert that never fires or an empty
 * panel. Counters exist once counted, so the test first makes the operator do what each one counts.
 */
@QuarkusTest
class MonitoringMetricsTest extends OperatorTest {

    /** Series Prometheus makes itself, not scraped from the operator. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");
    /** Where the operator reads cluster kubeconfig Secrets. */
    private static final String SECRETS = TestClusters.OPERATOR_NAMESPACE;

    @Test
    void everyMetricAndLabelTheAlertsAndTheDashboardReadIsServed() {
        syncWithAConflictARefusedCopyAndARefusedStatusWrite();
        // PropagationReconciler's SDK metrics (a core kind).
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("propagated").addToLabels("example.io/propagate", "true").endMetadata().build()).create();
        // krm_sync_cluster_reachable: a remote cluster, from a kubeconfig Secret, that answers nothing.
        kubectl().createNamespace(SECRETS);
        local().secrets().inNamespace(SECRETS).resource(new SecretBuilder().withNewMetadata()
                .withName("nowhere").addToLabels("krm-sync.io/cluster-kubeconfig", "true").endMetadata()
                .withData(Map.of("kubeconfig", Base64.getEncoder().encodeToString(
                        unreachableKubeconfig().getBytes(StandardCharsets.UTF_8))))
                .build()).create();

        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Scrape scrape = scrape();
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
            local().secrets().inNamespace(SECRETS).withName("nowhere").delete();
        }
    }

    /** What the ConfigMapSyncer's counters and gauges count: copies made, changed, refused, in conflict, drifted. */
    private void syncWithAConflictARefusedCopyAndARefusedStatusWrite() {
        String copied = namespace("copied"), taken = namespace("taken"), refused = namespace("refused");
        SandboxApiServer server = clusters.apiServer(LOCAL);
        kubectl().createConfigMap(namespace, "app", "k=v");
        // krm_sync_conflicts_total: a ConfigMap of the same name that krm-sync did not create (conflictPolicy Skip).
        kubectl().createConfigMap(taken, "app", "k=theirs");
        // krm_sync_errors_total: the API server refuses the copy in one namespace.
        server.expect().post().withPath("/api/v1/namespaces/" + refused + "/configmaps")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("configmaps is forbidden").build())
                .always();
        // operator_sdk_reconciliations_failed_total: one status write of a syncer is refused (not a 5xx, which the
        // client retries by itself); the SDK's retry succeeds.
        server.expect().patch()
                .withPath("/apis/config.example.com/v1alpha1/namespaces/" + namespace + "/configmapsyncers/ready/status")
                .andReturn(422, new StatusBuilder().withCode(422).withReason("Invalid")
                        .withMessage("status is invalid").build())
                .once();
        apply(configMapSyncer("fan-out", copied, taken, refused).with("spec.sourceConfigMap", "app"));
        // The syncer gauges' timestamps: a syncer that gets Ready.
        apply(configMapSyncer("ready", namespace("ready")).with("spec.sourceConfigMap", "app"));
        await().atMost(Duration.ofSeconds(20)).until(() -> kubectl().configMap(copied, "app") != null);

        // krm_sync_copy_writes_total{operation="update"} and krm_sync_copy_latency_seconds: the source changes.
        kubectl().mergePatch(ConfigMap.class, namespace, "app", "{\"data\":{\"k\":\"v2\"}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "v2".equals(kubectl().configMap(copied, "app").getData().get("k")));
        // krm_sync_drift_corrected_total: someone edits the copy.
        kubectl().mergePatch(ConfigMap.class, copied, "app", "{\"data\":{\"k\":\"edited\"}}");
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
