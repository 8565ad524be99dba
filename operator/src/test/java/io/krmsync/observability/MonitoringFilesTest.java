package io.krmsync.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.krmsync.observability.MonitoringFiles.Query;

/**
 * The shape of kubernetes/monitoring/: what the Prometheus Operator and Grafana need to load the files, and what an
 * operator on call needs from them. That the metrics they read exist is {@link MonitoringMetricsTest}.
 */
class MonitoringFilesTest {

    private static final String RUNBOOK = "docs/operations.md#troubleshooting";

    @Test
    void everyAlertHasAnExpressionADurationASeverityAndAnExplanation() {
        GenericKubernetesResource rule = MonitoringFiles.prometheusRule();
        assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(rule.getKind()).isEqualTo("PrometheusRule");
        assertThat(rule.getMetadata().getNamespace()).isEqualTo("krm-sync-system");

        List<Map<String, Object>> rules = MonitoringFiles.alertRules();
        assertThat(rules).isNotEmpty();
        SoftAssertions softly = new SoftAssertions();
        Set<Object> names = new HashSet<>();
        for (Map<String, Object> alert : rules) {
            Object name = alert.get("alert");
            softly.assertThat(name).as("alert name of %s", alert).isInstanceOf(String.class);
            softly.assertThat(names.add(name)).as("alert %s is defined once", name).isTrue();
            softly.assertThat(String.valueOf(alert.get("expr"))).as("%s expr", name).isNotBlank();
            // Without `for`, one bad scrape or a reconciliation in progress would page someone.
            softly.assertThat(String.valueOf(alert.get("for"))).as("%s for", name).matches("\\d+[smh]");
            softly.assertThat(nested(alert, "labels", "severity")).as("%s severity", name)
                    .isIn("critical", "warning");
            softly.assertThat(nested(alert, "annotations", "summary")).as("%s summary", name).isNotBlank();
            softly.assertThat(nested(alert, "annotations", "description")).as("%s description", name).isNotBlank();
            softly.assertThat(nested(alert, "annotations", "runbook")).as("%s runbook", name).isEqualTo(RUNBOOK);
        }
        softly.assertAll();
    }

    /** The alerts issue 5 asks for, by what they read. */
    @Test
    void theAlertsWatchErrorsClustersSyncersTheLeaderTheOperatorAndItsReconciliations() {
        assertThat(metricsOf(MonitoringFiles.ruleQueries())).contains(
                "krm_sync_errors_total",
                "krm_sync_cluster_reachable",
                "krm_sync_syncer_ready",
                "krm_sync_syncer_last_ready_timestamp_seconds",
                "krm_sync_leader",
                "up",
                "krm_sync_cluster_kubeconfig_problems",
                "operator_sdk_reconciliations_failed_total");
    }

    @Test
    void everyDashboardPanelQueriesPrometheusThroughTheDatasourceVariable() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("uid").asText()).isEqualTo("krm-sync");
        JsonNode datasource = variable(dashboard, "datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

        SoftAssertions softly = new SoftAssertions();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : MonitoringFiles.panels()) {
            String title = panel.path("title").asText();
            softly.assertThat(title).as("title of panel %s", panel.path("id")).isNotBlank();
            softly.assertThat(ids.add(panel.path("id").asInt())).as("panel id of %s is unique", title).isTrue();
            softly.assertThat(panel.path("gridPos").path("w").asInt()).as("%s width", title).isPositive();
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            softly.assertThat(panel.path("targets")).as("%s targets", title).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                softly.assertThat(target.path("expr").asText()).as("%s target %s expr", title, target.path("refId"))
                        .isNotBlank();
                // A fixed datasource uid would tie the dashboard to the Grafana it was exported from.
                softly.assertThat(target.path("datasource").path("uid").asText())
                        .as("%s target %s datasource", title, target.path("refId")).isEqualTo("${datasource}");
            }
        }
        softly.assertAll();
    }

    /** The panels issue 5 asks for, by what they read. */
    @Test
    void theDashboardShowsThroughputLatencyErrorsClustersSyncersTheLeaderAndReconciliations() {
        assertThat(metricsOf(MonitoringFiles.dashboardQueries())).contains(
                "krm_sync_copy_writes_total",
                "krm_sync_copy_latency_seconds_bucket",
                "krm_sync_errors_total",
                "krm_sync_conflicts_total",
                "krm_sync_drift_corrected_total",
                "krm_sync_clusters",
                "krm_sync_cluster_reachable",
                "krm_sync_syncer_ready",
                "krm_sync_leader",
                "operator_sdk_controllers_execution_reconcile_seconds_bucket",
                "operator_sdk_events_received_total");
    }

    /** The reading of PromQL that MonitoringMetricsTest relies on: a metric missed there would go unchecked. */
    @Test
    void promqlIsReadAsMetricsAndLabels() {
        Query query = new Query("example", """
                histogram_quantile(0.99, sum by (reconciler, le) (rate(krm_sync_copy_latency_seconds_bucket\
                {reconciler=~"$reconciler", job!="by (x)"}[$__rate_interval] offset 5m)))
                or (absent(krm_sync_leader) and on () max(up{job="krm-sync"}) == 1) unless time() - x:recorded > 1e3
                """);
        assertThat(query.metrics()).containsExactlyInAnyOrder("krm_sync_copy_latency_seconds_bucket",
                "krm_sync_leader", "up", "x:recorded");
        assertThat(query.labels()).containsExactlyInAnyOrder("reconciler", "le", "job");
        assertThat(new Query("variable", "count by (namespace) (krm_sync_syncer_ready{job=\"krm-sync\"})").labels())
                .containsExactlyInAnyOrder("namespace", "job");
    }

    private static Set<String> metricsOf(List<Query> queries) {
        return queries.stream().flatMap(query -> query.metrics().stream()).collect(Collectors.toSet());
    }

    private static JsonNode variable(JsonNode dashboard, String name) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("the dashboard has no variable " + name);
    }

    @SuppressWarnings("unchecked")
    private static String nested(Map<String, Object> map, String key, String inner) {
        Object value = map.get(key);
        return value instanceof Map<?, ?> nestedMap ? (String) ((Map<String, Object>) nestedMap).get(inner) : null;
    }
}
