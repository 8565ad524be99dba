package io.krmsync.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;

/** Drives one sandbox API server over HTTP the way kubectl does, without kubectl. */
class SandboxApiServerTest {

    private static final String TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
            + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    private static final String CMS_PATH = "/apis/config.example.com/v1alpha1/namespaces/default/configmapsyncers";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private SandboxApiServer server;

    @BeforeEach
    void start() {
        server = new SandboxApiServer("cluster1", 0);
        server.start();
        server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName("default").endMetadata()
                .build());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void answersVersionAndLegacyDiscoveryForBuiltInKinds() throws Exception {
        assertThat(get("/version", null).path("minor").asText()).isEqualTo("32");
        assertThat(get("/api", null).path("versions").toString()).isEqualTo("[\"v1\"]");

        JsonNode core = get("/api/v1", null);
        assertThat(names(core.path("resources"))).contains("namespaces", "configmaps", "secrets", "events",
                "services", "serviceaccounts", "pods");
        assertThat(resource(core, "namespaces").path("namespaced").asBoolean()).isFalse();
        assertThat(resource(core, "configmaps").path("shortNames").toString()).isEqualTo("[\"cm\"]");

        JsonNode groups = get("/apis", null).path("groups");
        assertThat(names(groups)).contains("apps", "coordination.k8s.io", "apiextensions.k8s.io", "events.k8s.io");
        assertThat(names(get("/apis/apps/v1", null).path("resources"))).contains("deployments");
        assertThat(send("GET", "/apis/nothing.example.com/v1", null, null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void discoversACrdCreatedAtRuntime() throws Exception {
        assertThat(names(get("/apis", null).path("groups"))).doesNotContain("config.example.com");

        createTestCrd();

        JsonNode group = find(get("/apis", null).path("groups"), "config.example.com");
        assertThat(group.path("preferredVersion").path("groupVersion").asText())
                .isEqualTo("config.example.com/v1alpha1");
        JsonNode resources = get("/apis/config.example.com/v1alpha1", null);
        JsonNode syncers = resource(resources, "configmapsyncers");
        assertThat(syncers.path("kind").asText()).isEqualTo("ConfigMapSyncer");
        assertThat(syncers.path("singularName").asText()).isEqualTo("configmapsyncer");
        assertThat(syncers.path("namespaced").asBoolean()).isTrue();
        assertThat(syncers.path("shortNames").toString()).isEqualTo("[\"cmsync\"]");
        assertThat(names(resources.path("resources"))).contains("configmapsyncers/status");
    }

    @Test
    void declaresServerSideFieldValidationInOpenApiV3() throws Exception {
        JsonNode root = get("/openapi/v3", null);
        String coreUrl = root.path("paths").path("api/v1").path("serverRelativeURL").asText();

        JsonNode core = get(coreUrl, null);
        JsonNode patch = core.path("paths").path("/api/v1/namespaces/{namespace}/configmaps/{name}").path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(patch.path("parameters").get(0).path("name").asText()).isEqualTo("fieldValidation");
    }

    @Test
    void printsCrdColumnsAsAServerSideTable() throws Exception {
        createTestCrd();
        createSyncer("ready-one", "team-a", "True", "2/2 synced");
        createSyncer("pending-one", "team-b", "False", null);

        JsonNode table = get(CMS_PATH, TABLE_ACCEPT);

        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(names(table.path("columnDefinitions"))).containsExactly("Name", "Source", "Ready", "Summary", "Age");
        assertThat(find(table.path("columnDefinitions"), "Summary").path("priority").asInt()).isEqualTo(1);
        JsonNode first = table.path("rows").get(0);
        assertThat(first.path("cells").get(0).asText()).isEqualTo("ready-one");
        assertThat(first.path("cells").get(1).asText()).isEqualTo("team-a");
        assertThat(first.path("cells").get(2).asText()).isEqualTo("True");
        assertThat(first.path("cells").get(3).asText()).isEqualTo("2/2 synced");
        assertThat(first.path("cells").get(4).asText()).matches("\\d+s");
        assertThat(first.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(first.path("object").path("metadata").path("name").asText()).isEqualTo("ready-one");
        assertThat(table.path("rows").get(1).path("cells").get(3).isNull()).isTrue();

        JsonNode selected = get(CMS_PATH + "?labelSelector=team%3Dteam-b", TABLE_ACCEPT);
        assertThat(selected.path("rows")).hasSize(1);
        JsonNode plain = get(CMS_PATH, "application/json");
        assertThat(plain.path("kind").asText()).isEqualTo("ConfigMapSyncerList");
    }

    @Test
    void printsBuiltInTablesLikeKubectl() throws Exception {
        server.createClient().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").endMetadata().addToData("a", "b").addToData("c", "d")
                .build()).create();

        JsonNode configMaps = get("/api/v1/namespaces/default/configmaps", TABLE_ACCEPT);
        assertThat(names(configMaps.path("columnDefinitions"))).containsExactly("Name", "Data", "Age");
        assertThat(configMaps.path("rows").get(0).path("cells").get(1).asInt()).isEqualTo(2);

        JsonNode namespaces = get("/api/v1/namespaces", TABLE_ACCEPT);
        assertThat(namespaces.path("rows").get(0).path("cells").get(1).asText()).isEqualTo("Active");
    }

    @Test
    void createsFromKubectlProtobufAndRefusesOtherProtobufAtOnce() throws Exception {
        byte[] namespace = ProtoWriter.kubernetesEnvelope("v1", "Namespace",
                new ProtoWriter().message(1, new ProtoWriter().string(1, "dev")));
        HttpResponse<String> created = send("POST", "/api/v1/namespaces?fieldManager=kubectl-create", namespace,
                ProtobufBodyDecoder.MEDIA_TYPE, null);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(get("/api/v1/namespaces/dev", null).path("status").path("phase").asText()).isEqualTo("Active");

        byte[] secret = ProtoWriter.kubernetesEnvelope("v1", "Secret", new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "s"))
                .entry(4, "password", "pw"));
        assertThat(send("POST", "/api/v1/namespaces/dev/secrets", secret, ProtobufBodyDecoder.MEDIA_TYPE, null)
                .statusCode()).isEqualTo(201);
        JsonNode stored = get("/api/v1/namespaces/dev/secrets/s", null);
        assertThat(stored.path("data").path("password").asText()).isEqualTo("cHc=");
        assertThat(stored.has("stringData")).isFalse();
        assertThat(stored.path("type").asText()).isEqualTo("Opaque");

        byte[] deployment = ProtoWriter.kubernetesEnvelope("apps/v1", "Deployment",
                new ProtoWriter().message(1, new ProtoWriter().string(1, "web")));
        HttpResponse<String> refused = send("POST", "/apis/apps/v1/namespaces/dev/deployments", deployment,
                ProtobufBodyDecoder.MEDIA_TYPE, null);
        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(refused.body()).contains("kubectl apply -f");
    }

    @Test
    void treatsDirectiveFreeStrategicMergePatchesAsMergePatchesThatDeleteNullKeys() throws Exception {
        String path = "/api/v1/namespaces/default/configmaps/app";
        server.createClient().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("app").endMetadata().addToData("keep", "1").addToData("drop", "2")
                .build()).create();

        HttpResponse<String> patched = send("PATCH", path, "{\"data\":{\"drop\":null,\"new\":\"3\"}}".getBytes(),
                "application/strategic-merge-patch+json", null);

        assertThat(patched.statusCode()).isBetween(200, 202);
        assertThat(get(path, null).path("data").toString()).isEqualTo("{\"keep\":\"1\",\"new\":\"3\"}");
        HttpResponse<String> directive = send("PATCH", path,
                "{\"data\":{\"$patch\":\"replace\",\"x\":\"1\"}}".getBytes(), "application/strategic-merge-patch+json",
                null);
        assertThat(directive.statusCode()).isEqualTo(415);
    }

    @Test
    void explainsMissingObjectsLikeARealServer() throws Exception {
        HttpResponse<String> missing = send("GET", "/api/v1/namespaces/default/configmaps/nope", null, null, null);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(Serialization.unmarshal(missing.body(), JsonNode.class).path("message").asText())
                .isEqualTo("configmaps \"nope\" not found");
    }

    @Test
    void answersPlainHttpWatchesWithChangesAndDeletions() throws Exception {
        String path = "/api/v1/namespaces/default/configmaps";
        var client = server.createClient();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("gone").endMetadata().build()).create();
        String since = get(path, null).path("metadata").path("resourceVersion").asText();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("new").endMetadata().build()).create();
        client.configMaps().inNamespace("default").withName("gone").delete();

        HttpResponse<String> events = send("GET", path + "?watch=true&resourceVersion=" + since, null, null, null);

        List<String> lines = events.body().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"type\":\"MODIFIED\"").contains("\"name\":\"new\"");
        assertThat(lines.get(1)).contains("\"type\":\"DELETED\"").contains("\"name\":\"gone\"");
        String latest = Serialization.unmarshal(lines.get(1), JsonNode.class)
                .path("object").path("metadata").path("resourceVersion").asText();
        long started = System.nanoTime();
        HttpResponse<String> quiet = send("GET", path + "?watch=true&resourceVersion=" + latest, null, null, null);
        assertThat(quiet.body().isBlank()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void cannedAnswersComeFirstUntilUsedUpOrCleared() throws Exception {
        String path = "/api/v1/namespaces/default";
        server.expect().get().withPath(path).andReturn(403, "{}").once();
        server.expect().delete().withPath(path).andReturn(422, "{}").always();

        assertThat(send("GET", path, null, null, null).statusCode()).isEqualTo(403);
        assertThat(send("GET", path, null, null, null).statusCode()).as("once").isEqualTo(200);
        assertThat(send("DELETE", path, null, null, null).statusCode()).isEqualTo(422);
        assertThat(send("DELETE", path, null, null, null).statusCode()).as("always").isEqualTo(422);
        server.clearExpectations();
        assertThat(send("GET", path, null, null, null).statusCode()).isEqualTo(200);
        assertThat(get(path, null).path("metadata").path("name").asText()).as("never deleted").isEqualTo("default");
    }

    @Test
    void handlesARacingRequestJustBeforeTheNamedOneUntilCleared() throws Exception {
        String configMaps = "/api/v1/namespaces/default/configmaps";
        var client = server.createClient();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("racing")
                .addToFinalizers("example.com/keep").endMetadata().build()).create();
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName("other")
                .endMetadata().build()).create();

        server.deleteJustBefore(HttpMethod.PATCH, configMaps + "/racing", configMaps + "/racing");
        HttpResponse<String> patched = send("PATCH", configMaps + "/racing?fieldManager=test",
                "{\"data\":{\"k\":\"v\"}}".getBytes(StandardCharsets.UTF_8), "application/merge-patch+json", null);

        JsonNode racing = Serialization.unmarshal(patched.body(), JsonNode.class);
        assertThat(patched.statusCode() / 100).as("patch answered %s", patched.statusCode()).isEqualTo(2);
        assertThat(racing.path("metadata").path("deletionTimestamp").isTextual())
                .as("the patch lands on the object the delete marked: %s", racing).isTrue();
        assertThat(racing.path("data").path("k").asText()).isEqualTo("v");
        server.mergePatchJustBefore(HttpMethod.GET, configMaps + "/racing", configMaps + "/other",
                "{\"data\":{\"x\":\"y\"}}");
        get(configMaps + "/racing", null);
        assertThat(get(configMaps + "/other", null).path("data").path("x").asText()).isEqualTo("y");
        server.deleteJustBefore(HttpMethod.GET, configMaps + "/racing", configMaps + "/other");
        server.clearExpectations();
        get(configMaps + "/racing", null);
        assertThat(send("GET", configMaps + "/other", null, null, null).statusCode()).as("cleared").isEqualTo(200);
    }

    private void createTestCrd() throws IOException {
        try (InputStream crd = getClass().getResourceAsStream("/sandbox/configmapsyncers-crd.yml")) {
            server.create("/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                    Serialization.unmarshal(crd, CustomResourceDefinition.class));
        }
    }

    private void createSyncer(String name, String team, String ready, String summary) {
        var client = server.createClient();
        GenericKubernetesResource syncer = Serialization.unmarshal("""
                apiVersion: config.example.com/v1alpha1
                kind: ConfigMapSyncer
                metadata:
                  name: %s
                  namespace: default
                  labels:
                    team: %s
                spec:
                  sourceNamespace: %s
                """.formatted(name, team, team), GenericKubernetesResource.class);
        var resource = client.genericKubernetesResources("config.example.com/v1alpha1", "ConfigMapSyncer")
                .inNamespace("default");
        resource.resource(syncer).create();
        String status = summary == null
                ? "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}".formatted(ready)
                : "{\"status\":{\"summary\":\"%s\",\"conditions\":[{\"type\":\"Synced\",\"status\":\"x\"},"
                        .formatted(summary) + "{\"type\":\"Ready\",\"status\":\"%s\"}]}}".formatted(ready);
        resource.withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), status);
    }

    private JsonNode get(String path, String accept) throws Exception {
        HttpResponse<String> response = send("GET", path, null, null, accept);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return Serialization.unmarshal(response.body(), JsonNode.class);
    }

    private HttpResponse<String> send(String method, String path, byte[] body, String contentType, String accept)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(item -> names.add(item.path("name").asText()));
        return names;
    }

    private static JsonNode resource(JsonNode resourceList, String name) {
        return find(resourceList.path("resources"), name);
    }

    private static JsonNode find(JsonNode array, String name) {
        for (JsonNode item : array) {
            if (name.equals(item.path("name").asText())) {
                return item;
            }
        }
        throw new AssertionError("no " + name + " in " + array);
    }
}
