package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

class ServerSideTableTest {

    private final JsonNode object = Serialization.unmarshal("""
            {"metadata": {"name": "s", "namespace": "default", "creationTimestamp": "2020-01-01T00:00:00Z"},
             "spec": {"replicas": 3, "paused": true, "selector": {"app": "web"}}}
            """, JsonNode.class);

    @Test
    void servesNameAndAgeWhenTheCrdDeclaresNoColumns() {
        List<ServerSideTable.Column> columns = ServerSideTable.crdColumns(List.of());

        assertThat(columns).extracting(ServerSideTable.Column::name).containsExactly("Name", "Age");
    }

    @Test
    void typesCellsAsKubeApiserverDoes() {
        assertThat(ServerSideTable.jsonPathCell("integer", ".spec.replicas", object).asLong()).isEqualTo(3);
        assertThat(ServerSideTable.jsonPathCell("string", ".spec.replicas", object).asText()).isEqualTo("3");
        assertThat(ServerSideTable.jsonPathCell("string", ".spec.selector", object).asText())
                .isEqualTo("{\"app\":\"web\"}");
        assertThat(ServerSideTable.jsonPathCell("boolean", ".spec.paused", object).asBoolean()).isTrue();
        assertThat(ServerSideTable.jsonPathCell("integer", ".spec.paused", object).isNull()).isTrue();
        assertThat(ServerSideTable.jsonPathCell("date", ".metadata.creationTimestamp", object).asText())
                .matches("\\d+y(\\d+d)?");
        assertThat(ServerSideTable.jsonPathCell("string", ".status.missing", object).isNull()).isTrue();
    }

    @Test
    void rendersRowsWithTheObjectTheClientAskedFor() {
        CustomResourceColumnDefinition replicas = new CustomResourceColumnDefinitionBuilder()
                .withName("Replicas").withType("integer").withJsonPath(".spec.replicas").withPriority(1).build();
        List<ServerSideTable.Column> columns = ServerSideTable.crdColumns(List.of(replicas));

        ObjectNode metadataOnly = ServerSideTable.render(columns, List.of(object), "7", null);
        ObjectNode full = ServerSideTable.render(columns, List.of(object), "7", "Object");
        ObjectNode none = ServerSideTable.render(columns, List.of(object), "7", "None");

        assertThat(metadataOnly.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
        assertThat(metadataOnly.path("columnDefinitions").get(1).path("priority").asInt()).isEqualTo(1);
        assertThat(metadataOnly.path("rows").get(0).path("cells").toString()).isEqualTo("[\"s\",3]");
        assertThat(metadataOnly.path("rows").get(0).path("object").path("kind").asText())
                .isEqualTo("PartialObjectMetadata");
        assertThat(full.path("rows").get(0).path("object").path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(none.path("rows").get(0).has("object")).isFalse();
    }

    @Test
    void printsAgesLikeKubectl() {
        assertThat(ServerSideTable.humanDuration(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(ServerSideTable.humanDuration(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(ServerSideTable.humanDuration(Duration.ofMinutes(42))).isEqualTo("42m");
        assertThat(ServerSideTable.humanDuration(Duration.ofMinutes(5 * 60 + 7))).isEqualTo("5h7m");
        assertThat(ServerSideTable.humanDuration(Duration.ofHours(30))).isEqualTo("30h");
        assertThat(ServerSideTable.humanDuration(Duration.ofHours(51))).isEqualTo("2d3h");
        assertThat(ServerSideTable.humanDuration(Duration.ofDays(400))).isEqualTo("400d");
        assertThat(ServerSideTable.humanDuration(Duration.ofDays(800))).isEqualTo("2y70d");
    }
}
