package io.krmsync.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * kubernetes/monitoring/: the alert rules of the PrometheusRule and the queries of the Grafana dashboard, with the
 * metric and label names their PromQL reads.
 */
final class MonitoringFiles {

    static final Path PROMETHEUS_RULE = Path.of("..", "kubernetes", "monitoring", "prometheusrule.yml");
    static final Path DASHBOARD = Path.of("..", "kubernetes", "monitoring", "grafana-dashboard.json");

    /** Labels Prometheus adds to every series it scrapes through the ServiceMonitor (target labels). */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod", "service", "endpoint",
            "container");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_]\\w*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern GROUPING = Pattern
            .compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][\\w:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");
    /** Grafana's variable query function, which is not PromQL. */
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\s*\\)");

    private MonitoringFiles() {
    }

    /** A PromQL expression and where it is used, for messages. */
    record Query(String where, String promql) {

        /** The metric names the expression reads (not its functions, keywords, labels or strings). */
        Set<String> metrics() {
            String rest = withoutLabels(promql);
            Set<String> metrics = new LinkedHashSet<>();
            Matcher identifiers = IDENTIFIER.matcher(rest);
            while (identifiers.find()) {
                boolean function = identifiers.group(2) != null;
                if (!function && !KEYWORDS.contains(identifiers.group(1).toLowerCase())) {
                    metrics.add(identifiers.group(1));
                }
            }
            return metrics;
        }

        /** The label names the expression matches on or groups by. */
        Set<String> labels() {
            String text = STRING.matcher(promql).replaceAll("\"\"");
            Set<String> labels = new LinkedHashSet<>();
            Matcher selectors = SELECTOR.matcher(text);
            while (selectors.find()) {
                Matcher matchers = MATCHER_LABEL.matcher(selectors.group(1));
                while (matchers.find()) {
                    labels.add(matchers.group(1));
                }
            }
            Matcher groupings = GROUPING.matcher(RANGE.matcher(SELECTOR.matcher(text).replaceAll(" ")).replaceAll(" "));
            while (groupings.find()) {
                for (String label : groupings.group(1).split(",")) {
                    if (!label.isBlank()) {
                        labels.add(label.strip());
                    }
                }
            }
            return labels;
        }

        private static String withoutLabels(String promql) {
            String text = STRING.matcher(promql).replaceAll("\"\"");
            text = SELECTOR.matcher(text).replaceAll(" ");
            text = RANGE.matcher(text).replaceAll(" ");
            return GROUPING.matcher(text).replaceAll(" ");
        }
    }

    static GenericKubernetesResource prometheusRule() {
        return new KubernetesSerialization().unmarshal(read(PROMETHEUS_RULE), GenericKubernetesResource.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> alertRules() {
        Map<String, Object> spec = (Map<String, Object>) prometheusRule().getAdditionalProperties().get("spec");
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) spec.get("groups")) {
            rules.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return rules;
    }

    static JsonNode dashboard() {
        try {
            return new ObjectMapper().readTree(read(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(DASHBOARD + " is not valid JSON", e);
        }
    }

    /** Every panel, those inside collapsed rows included; rows themselves too. */
    static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard().path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The expressions of every alert rule. */
    static List<Query> ruleQueries() {
        return alertRules().stream().map(rule -> new Query("alert " + rule.get("alert"), String.valueOf(rule.get("expr"))))
                .toList();
    }

    /** The expressions of every panel target and of every query variable (label_values read as PromQL). */
    static List<Query> dashboardQueries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : panels()) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(new Query("panel \"" + panel.path("title").asText() + "\" target "
                        + target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        for (JsonNode variable : dashboard().path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                String text = query.isObject() ? query.path("query").asText() : query.asText();
                Matcher labelValues = LABEL_VALUES.matcher(text);
                String promql = labelValues.matches()
                        ? "count by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")" : text;
                queries.add(new Query("variable " + variable.path("name").asText(), promql));
            }
        }
        return queries;
    }

    static List<Query> allQueries() {
        List<Query> queries = new ArrayList<>(ruleQueries());
        queries.addAll(dashboardQueries());
        return queries;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
