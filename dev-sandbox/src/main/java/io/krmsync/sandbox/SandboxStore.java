package io.krmsync.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;

/**
 * fabric8's in-memory CRUD store, with API-server behaviours the mock lacks: a JSON merge patch removes the keys it
 * sets to null (RFC 7386) instead of storing nulls, a Secret's {@code stringData} ends up in {@code data}, and no
 * object is stored with {@code "status": null}.
 */
final class SandboxStore extends KubernetesCrudDispatcher {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Called by the mock's PATCH handler for JSON merge patches (and the strategic ones the sandbox maps to them). */
    @Override
    public JsonNode merge(JsonNode baseResource, String patch) throws KubernetesCrudDispatcherException {
        JsonNode merged = applyMergePatch(baseResource.deepCopy(), asNode(patch));
        foldSecretStringData(merged);
        return merged;
    }

    /**
     * Every write ends here. The mock's PATCH handler copies a custom resource's missing status as
     * {@code "status": null}; a real server stores no status at all, so neither does the sandbox.
     */
    @Override
    public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String newState) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, withoutNullStatus(newState));
    }

    private static String withoutNullStatus(String state) {
        if (state == null || !state.contains("\"status\":null")) {
            return state;
        }
        JsonNode object = Serialization.unmarshal(state, JsonNode.class);
        if (object instanceof ObjectNode node && node.path("status").isNull()) {
            node.remove("status");
            return node.toString();
        }
        return state;
    }

    static JsonNode applyMergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JSON.objectNode();
        for (Map.Entry<String, JsonNode> entry : patch.properties()) {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.set(entry.getKey(), applyMergePatch(result.get(entry.getKey()), entry.getValue()));
            }
        }
        return result;
    }

    /** A real API server stores a Secret's write-only {@code stringData} base64-encoded in {@code data}. */
    static void foldSecretStringData(JsonNode object) {
        if (!(object instanceof ObjectNode secret) || !"Secret".equals(secret.path("kind").asText())
                || !"v1".equals(secret.path("apiVersion").asText()) || !secret.path("stringData").isObject()) {
            return;
        }
        ObjectNode data = secret.withObjectProperty("data");
        for (Map.Entry<String, JsonNode> entry : secret.get("stringData").properties()) {
            data.put(entry.getKey(),
                    Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        }
        secret.remove("stringData");
    }
}
