package io.krmsync.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Matches an object against a field selector such as {@code involvedObject.name=x,involvedObject.kind!=Pod}:
 * comma-separated {@code =}, {@code ==} or {@code !=} requirements on dotted field paths, where a missing field
 * counts as the empty string, as on a real API server.
 */
final class FieldSelector {

    private FieldSelector() {
    }

    static boolean matches(String selector, JsonNode object) {
        for (String requirement : selector.split(",")) {
            if (requirement.isBlank()) {
                continue;
            }
            boolean negated = requirement.contains("!=");
            String[] sides = requirement.split(negated ? "!=" : "==?", 2);
            if (sides.length != 2) {
                throw new IllegalArgumentException("invalid field selector requirement: " + requirement);
            }
            JsonNode value = object;
            for (String field : sides[0].trim().split("\\.")) {
                value = value.path(field);
            }
            boolean equal = (value.isValueNode() ? value.asText() : "").equals(sides[1].trim());
            if (equal == negated) {
                return false;
            }
        }
        return true;
    }
}
