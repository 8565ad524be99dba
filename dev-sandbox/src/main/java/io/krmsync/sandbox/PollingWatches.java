package io.krmsync.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * Plain-HTTP watches ({@code GET ...?watch=true} without a WebSocket upgrade), which kubectl uses for
 * {@code kubectl wait}, for the wait after {@code kubectl delete} of an object with finalizers, and for
 * {@code kubectl get -w}. The mock only streams watches over WebSockets (fabric8 clients) and cannot hold an HTTP
 * response open, so each such watch answers once: at once with the changes since the requested resourceVersion
 * when there are any, otherwise empty after {@link #QUIET_PERIOD}; the client then watches again from where it is.
 * Deletions are remembered here as tombstones, because the store forgets deleted objects.
 */
final class PollingWatches {

    /** Longer than client-go's one second "very short watch" limit, so an empty answer is not taken as an error. */
    static final Duration QUIET_PERIOD = Duration.ofSeconds(2);

    private static final int MAX_TOMBSTONES = 1000;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private record Tombstone(long resourceVersion, AttributeSet attributes, ObjectNode object) {
    }

    private final SandboxStore store;
    private final Deque<Tombstone> tombstones = new ArrayDeque<>();

    PollingWatches(SandboxStore store) {
        this.store = store;
    }

    /**
     * Remembers that an object is gone, under a fresh resourceVersion, so that watches see a DELETED event.
     *
     * @param itemPath the object's own path, e.g. {@code /api/v1/namespaces/dev/configmaps/x}
     */
    void recordDeletion(String itemPath, ObjectNode object) {
        long resourceVersion = store.requestResourceVersion();
        ObjectNode deleted = object.deepCopy();
        deleted.withObjectProperty("metadata").put("resourceVersion", String.valueOf(resourceVersion));
        KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) store.getAttributeExtractor();
        AttributeSet attributes = AttributeSet.merge(store.getKey(itemPath),
                extractor.extract(Serialization.unmarshal(deleted.toString(), GenericKubernetesResource.class)));
        synchronized (tombstones) {
            tombstones.addLast(new Tombstone(resourceVersion, attributes, deleted));
            if (tombstones.size() > MAX_TOMBSTONES) {
                tombstones.removeFirst();
            }
        }
    }

    /**
     * Answers one watch request.
     *
     * @param watchPath the request path with its query
     * @param render turns an event's object into what the client asked for (the object itself, or a Table)
     */
    MockResponse answer(String watchPath, UnaryOperator<JsonNode> render) {
        String listPath = withoutQueryParameter(watchPath, "watch");
        String since = queryParameter(watchPath, "resourceVersion");
        boolean fromScratch = since == null || since.isEmpty() || "0".equals(since);
        long sinceVersion = fromScratch ? 0 : Long.parseLong(since);

        List<ObjectNode> events = new ArrayList<>();
        MockResponse current = store.handleGet(listPath);
        if (current.code() == 200) {
            JsonNode body = Serialization.unmarshal(current.getBody().readUtf8(), JsonNode.class);
            for (JsonNode object : body.has("items") ? body.get("items") : List.of(body)) {
                if (resourceVersionOf(object) > sinceVersion) {
                    events.add(event(fromScratch ? "ADDED" : "MODIFIED", object));
                }
            }
        }
        if (!fromScratch) {
            AttributeSet query = store.getKey(listPath);
            synchronized (tombstones) {
                for (Tombstone tombstone : tombstones) {
                    if (tombstone.resourceVersion() > sinceVersion && tombstone.attributes().matches(query)) {
                        events.add(event("DELETED", tombstone.object()));
                    }
                }
            }
        }
        events.sort(Comparator.comparingLong(event -> resourceVersionOf(event.get("object"))));
        StringBuilder body = new StringBuilder();
        for (ObjectNode event : events) {
            event.set("object", render.apply(event.get("object")));
            body.append(event).append('\n');
        }
        MockResponse response = new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json");
        if (events.isEmpty()) {
            return response.setBodyDelay(QUIET_PERIOD).setBody("\n");
        }
        return response.setBody(body.toString());
    }

    private static ObjectNode event(String type, JsonNode object) {
        ObjectNode event = JSON.objectNode().put("type", type);
        event.set("object", object);
        return event;
    }

    private static long resourceVersionOf(JsonNode object) {
        try {
            return Long.parseLong(object.path("metadata").path("resourceVersion").asText("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String queryParameter(String path, String name) {
        int start = path.indexOf('?');
        if (start < 0) {
            return null;
        }
        for (String parameter : path.substring(start + 1).split("&")) {
            if (parameter.startsWith(name + "=")) {
                return parameter.substring(name.length() + 1);
            }
        }
        return null;
    }

    static String withoutQueryParameter(String path, String name) {
        int start = path.indexOf('?');
        if (start < 0) {
            return path;
        }
        List<String> kept = new ArrayList<>();
        for (String parameter : path.substring(start + 1).split("&")) {
            if (!parameter.equals(name) && !parameter.startsWith(name + "=")) {
                kept.add(parameter);
            }
        }
        return path.substring(0, start) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }
}
