package io.krmsync.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;

/** Evaluates standard Kubernetes label selectors (matchLabels and matchExpressions) against an object's labels. */
public final class LabelSelectors {

    private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");
    /** A label key, with an optional DNS-subdomain prefix ({@code example.io/name}), as the API server accepts it. */
    private static final String KEY = "([A-Za-z0-9][-A-Za-z0-9_./]*)";
    private static final String VALUE = "([A-Za-z0-9][-A-Za-z0-9_.]*)?";
    private static final Pattern EQUALITY = Pattern.compile(KEY + "\\s*(==|=|!=)\\s*" + VALUE);
    private static final Pattern SET = Pattern.compile(KEY + "\\s+(in|notin)\\s*\\(([^()]*)\\)");
    private static final Pattern EXISTENCE = Pattern.compile("(!?)\\s*" + KEY);
    private static final Pattern SET_VALUE = Pattern.compile(VALUE);
    /** A comma between requirements, not one inside the parentheses of {@code in (a,b)}. */
    private static final Pattern REQUIREMENT_SEPARATOR = Pattern.compile(",(?![^()]*\\))");

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

    /**
     * Parses a selector written as {@code kubectl get -l} takes it: comma-separated requirements {@code key=value}
     * ({@code ==} too), {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key}, {@code !key}.
     * As in Kubernetes, {@code !=} and {@code notin} also match objects without the label.
     *
     * @throws IllegalArgumentException naming the requirement that is not one of these
     */
    public static LabelSelector parse(String selector) {
        LabelSelectorBuilder parsed = new LabelSelectorBuilder();
        for (String requirement : REQUIREMENT_SEPARATOR.split(selector.strip(), -1)) {
            parsed.addToMatchExpressions(requirement(requirement.strip(), selector));
        }
        return parsed.build();
    }

    private static LabelSelectorRequirement requirement(String requirement, String selector) {
        Matcher equality = EQUALITY.matcher(requirement);
        if (equality.matches()) {
            String value = equality.group(3) == null ? "" : equality.group(3);
            return new LabelSelectorRequirement(equality.group(1), equality.group(2).equals("!=") ? "NotIn" : "In",
                    List.of(value));
        }
        Matcher set = SET.matcher(requirement);
        if (set.matches() && !set.group(3).isBlank()) {
            List<String> values = Arrays.stream(set.group(3).split(",", -1)).map(String::strip).toList();
            if (values.stream().allMatch(value -> SET_VALUE.matcher(value).matches())) {
                return new LabelSelectorRequirement(set.group(1), set.group(2).equals("in") ? "In" : "NotIn", values);
            }
        }
        Matcher existence = EXISTENCE.matcher(requirement);
        if (existence.matches()) {
            return new LabelSelectorRequirement(existence.group(2),
                    existence.group(1).isEmpty() ? "Exists" : "DoesNotExist", List.of());
        }
        throw new IllegalArgumentException("'" + selector + "' is not a label selector: '" + requirement
                + "' is none of key=value, key!=value, key in (a,b), key notin (a,b), key, !key");
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
