package io.krmsync.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Evaluates standard Kubernetes label selectors (matchLabels and matchExpressions) against an object's labels. */
public final class LabelSelectors {

    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");

    private LabelSelectors() {
    }

    /** What is wrong with a selector, as the API server would say it; empty when it is valid. */
    public static List<String> problems(LabelSelector selector) {
        List<String> problems = new ArrayList<>();
        if (selector.getMatchExpressions() == null) {
            return problems;
        }
        for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
            String operator = requirement.getOperator();
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            if (requirement.getKey() == null || requirement.getKey().isBlank()) {
                problems.add("matchExpressions: key is required");
            } else if (operator == null || !OPERATORS.contains(operator)) {
                problems.add("matchExpressions[" + requirement.getKey() + "]: operator must be one of In, NotIn, Exists, DoesNotExist");
            } else if ((operator.equals("In") || operator.equals("NotIn")) && values.isEmpty()) {
                problems.add("matchExpressions[" + requirement.getKey() + "]: values must be non-empty for " + operator);
            } else if ((operator.equals("Exists") || operator.equals("DoesNotExist")) && !values.isEmpty()) {
                problems.add("matchExpressions[" + requirement.getKey() + "]: values must be empty for " + operator);
            }
        }
        return problems;
    }

    /** Assumes a valid selector; an empty selector matches everything, as in Kubernetes. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(actual.get(e.getKey())))) {
            return false;
        }
        if (selector.getMatchExpressions() == null) {
            return true;
        }
        return selector.getMatchExpressions().stream().allMatch(requirement -> {
            String value = actual.get(requirement.getKey());
            List<String> values = requirement.getValues() == null ? List.of() : requirement.getValues();
            return switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> actual.containsKey(requirement.getKey());
                case "DoesNotExist" -> !actual.containsKey(requirement.getKey());
                default -> false;
            };
        });
    }
}
