package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.utils.Serialization;

class SimpleJsonPathTest {

    private final JsonNode syncer = Serialization.unmarshal("""
            {"metadata": {"name": "s", "labels": {"app.kubernetes.io/name": "krm"}},
             "spec": {"sourceNamespace": "default", "targets": ["dev", "prod"]},
             "status": {"conditions": [
                 {"type": "Synced", "status": "False"},
                 {"type": "Ready", "status": "True", "reason": "AllSynced"}]}}
            """, JsonNode.class);

    @Test
    void followsFieldsIndexesAndQuotedNames() {
        assertThat(texts(".spec.sourceNamespace")).containsExactly("default");
        assertThat(texts("{.spec.targets[1]}")).containsExactly("prod");
        assertThat(texts(".spec.targets[-1]")).containsExactly("prod");
        assertThat(texts(".spec.targets[*]")).containsExactly("dev", "prod");
        assertThat(texts(".metadata.labels['app.kubernetes.io/name']")).containsExactly("krm");
    }

    @Test
    void filtersListsByEquality() {
        assertThat(texts(".status.conditions[?(@.type==\"Ready\")].status")).containsExactly("True");
        assertThat(texts(".status.conditions[?(@.type == 'Ready')].reason")).containsExactly("AllSynced");
        assertThat(texts(".status.conditions[?(@.type!=\"Ready\")].type")).containsExactly("Synced");
    }

    @Test
    void yieldsNothingForMissingFields() {
        assertThat(texts(".status.summary")).isEmpty();
        assertThat(texts(".spec.targets[5]")).isEmpty();
        assertThat(texts(".status.conditions[?(@.type==\"Stalled\")].status")).isEmpty();
    }

    @Test
    void refusesRecursiveDescent() {
        assertThatThrownBy(() -> SimpleJsonPath.evaluate("..status", syncer))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> texts(String path) {
        return SimpleJsonPath.evaluate(path, syncer).stream().map(JsonNode::asText).toList();
    }
}
