package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.client.utils.Serialization;

class FieldSelectorTest {

    private final JsonNode event = Serialization.unmarshal("""
            {"involvedObject": {"kind": "ConfigMapSyncer", "name": "s", "uid": "u-1"}, "type": "Warning"}
            """, JsonNode.class);

    @Test
    void matchesEveryRequirement() {
        assertThat(FieldSelector.matches("involvedObject.name=s,involvedObject.kind==ConfigMapSyncer", event)).isTrue();
        assertThat(FieldSelector.matches("involvedObject.name=s,involvedObject.uid=u-2", event)).isFalse();
        assertThat(FieldSelector.matches("type!=Normal", event)).isTrue();
        assertThat(FieldSelector.matches("reason=", event)).isTrue();
    }
}
