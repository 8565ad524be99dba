package io.krmsync.sandbox;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Evaluates the "simple JSONPath" of CRD printer columns against a JSON object: field steps ({@code .spec.x},
 * {@code ['x.y']}), array indexes ({@code [0]}, {@code [-1]}), wildcards ({@code [*]}) and equality filters
 * ({@code [?(@.type=="Ready")]}, {@code !=}). Missing fields yield no result, as with kubectl's AllowMissingKeys.
 */
final class SimpleJsonPath {

    private final String expression;
    private int position;

    private SimpleJsonPath(String expression) {
        this.expression = expression;
    }

    /** All matches of the expression, in document order; empty when nothing matches. */
    static List<JsonNode> evaluate(String expression, JsonNode root) {
        String path = expression.trim();
        if (path.startsWith("{") && path.endsWith("}")) {
            path = path.substring(1, path.length() - 1).trim();
        }
        if (path.startsWith("$")) {
            path = path.substring(1);
        }
        return new SimpleJsonPath(path).evaluateFrom(List.of(root));
    }

    private List<JsonNode> evaluateFrom(List<JsonNode> start) {
        List<JsonNode> current = start;
        while (position < expression.length() && !current.isEmpty()) {
            char c = expression.charAt(position);
            if (c == '.') {
                position++;
                if (position < expression.length() && expression.charAt(position) == '.') {
                    throw new IllegalArgumentException("recursive descent (..) is not supported: " + expression);
                }
                current = field(current, readName());
            } else if (c == '[') {
                current = bracket(current);
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at " + position + " in " + expression);
            }
        }
        return position < expression.length() ? List.of() : current;
    }

    private String readName() {
        int start = position;
        while (position < expression.length() && ".[".indexOf(expression.charAt(position)) < 0) {
            position++;
        }
        return expression.substring(start, position);
    }

    private List<JsonNode> bracket(List<JsonNode> nodes) {
        int close = closingBracket();
        String inside = expression.substring(position + 1, close).trim();
        position = close + 1;
        if (inside.equals("*")) {
            List<JsonNode> children = new ArrayList<>();
            nodes.forEach(node -> node.forEach(children::add));
            return children;
        }
        if (inside.startsWith("?(") && inside.endsWith(")")) {
            return filter(nodes, inside.substring(2, inside.length() - 1).trim());
        }
        if (isQuoted(inside)) {
            return field(nodes, inside.substring(1, inside.length() - 1));
        }
        int index = Integer.parseInt(inside);
        List<JsonNode> elements = new ArrayList<>();
        for (JsonNode node : nodes) {
            if (node.isArray()) {
                int resolved = index < 0 ? node.size() + index : index;
                if (resolved >= 0 && resolved < node.size()) {
                    elements.add(node.get(resolved));
                }
            }
        }
        return elements;
    }

    private List<JsonNode> filter(List<JsonNode> nodes, String condition) {
        boolean negated = condition.contains("!=");
        String[] sides = condition.split(negated ? "!=" : "==", 2);
        if (sides.length != 2 || !sides[0].trim().startsWith("@")) {
            throw new IllegalArgumentException("unsupported filter: " + condition);
        }
        String left = sides[0].trim().substring(1);
        String right = sides[1].trim();
        String expected = isQuoted(right) ? right.substring(1, right.length() - 1) : right;
        List<JsonNode> matches = new ArrayList<>();
        for (JsonNode node : nodes) {
            for (JsonNode element : node.isArray() ? node : List.of(node)) {
                List<JsonNode> values = evaluate(left, element);
                boolean equal = !values.isEmpty() && values.get(0).isValueNode()
                        && values.get(0).asText().equals(expected);
                if (equal != negated) {
                    matches.add(element);
                }
            }
        }
        return matches;
    }

    private static List<JsonNode> field(List<JsonNode> nodes, String name) {
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode node : nodes) {
            JsonNode value = node.get(name);
            if (value != null && !value.isNull()) {
                values.add(value);
            }
        }
        return values;
    }

    private int closingBracket() {
        char quote = 0;
        int depth = 0;
        for (int i = position; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed '[' in " + expression);
    }

    private static boolean isQuoted(String text) {
        return text.length() >= 2 && (text.charAt(0) == '\'' || text.charAt(0) == '"')
                && text.charAt(text.length() - 1) == text.charAt(0);
    }
}
