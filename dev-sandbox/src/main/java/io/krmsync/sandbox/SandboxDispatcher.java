package io.krmsync.sandbox;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatchException;
import io.krmsync.sandbox.ProtobufBodyDecoder.UnsupportedProtobufException;

/**
 * The front door of one sandbox API server. It answers what kubectl needs and fabric8's CRUD mock lacks
 * (discovery, {@code /version}, server-side Tables, protobuf create bodies, strategic merge patches that are plain
 * merge patches) and hands everything else to the {@link SandboxStore}. It never lets a request hang: the mock
 * server sends no answer at all when a dispatcher throws, so every failure becomes a Status response here.
 */
final class SandboxDispatcher extends Dispatcher {

    private static final Logger LOG = Logger.getLogger(SandboxDispatcher.class);

    static final String KUBERNETES_VERSION_MAJOR = "1";
    static final String KUBERNETES_VERSION_MINOR = "32";

    private static final String JSON_MEDIA_TYPE = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final String APPLY_PATCH = "application/apply-patch+yaml";
    private static final String SELF_SUBJECT_RULES_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";
    private static final String CRD_LIST_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    private static final Pattern GROUP_VERSION_PATH = Pattern.compile("/apis/(?<group>[^/]+)/(?<version>[^/]+)");
    private static final Pattern RESOURCE_PATH = Pattern.compile("/(?:api|apis/(?<group>[^/]+))/(?<version>[^/]+)"
            + "(?:/namespaces/(?<namespace>[^/]+))?/(?<plural>[^/]+)(?:/(?<name>[^/]+))?(?:/(?<subresource>status))?");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final SandboxStore store = new SandboxStore();
    private final PollingWatches watches = new PollingWatches(store);
    private final SandboxAuthorizer authorizer = new SandboxAuthorizer();

    SandboxAuthorizer authorizer() {
        return authorizer;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        MockResponse response;
        try {
            response = route(request);
        } catch (UnsupportedProtobufException e) {
            response = status(415, "UnsupportedMediaType", "the sandbox API server decodes protobuf bodies only for "
                    + "v1 Namespace, ConfigMap and Secret, not " + e.getMessage()
                    + "; send JSON instead, for example with kubectl apply -f");
        } catch (JsonPatchException e) {
            response = status(422, "Invalid", "the JSON patch cannot be applied: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            response = status(400, "BadRequest", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warnf(e, "Sandbox API server failed on %s %s", request.getMethod(), pathOf(request));
            response = status(500, "InternalError", "the sandbox API server failed: " + e);
        }
        authorizer.answered(request, pathOf(request));
        return finish(request, response);
    }

    private MockResponse route(RecordedRequest request) {
        String path = pathOf(request);
        if (request.method() != HttpMethod.GET && queryOf(request).containsKey("dryRun")) {
            return status(400, "BadRequest", "dry runs are not supported by the sandbox API server");
        }
        Optional<MockResponse> refused = authorizer.refusal(request, RESOURCE_PATH.matcher(path),
                "true".equals(queryOf(request).get("watch")));
        if (refused.isPresent()) {
            return refused.get();
        }
        return switch (request.method()) {
            case GET -> get(request, path);
            case POST -> create(request, path);
            case PUT, PATCH -> update(request, path);
            case DELETE -> delete(request, path);
            default -> status(405, "MethodNotAllowed", request.getMethod() + " is not supported by the sandbox");
        };
    }

    private MockResponse get(RecordedRequest request, String path) {
        switch (path) {
            case "/version":
                return json(200, versionInfo());
            case "/":
                return json(200, ApiDiscovery.rootPaths(servedResources()));
            case "/api":
                return json(200, ApiDiscovery.apiVersions(request.getHeader("Host")));
            case "/apis":
                return json(200, ApiDiscovery.apiGroups(servedResources()));
            case "/api/v1":
                return json(200, ApiDiscovery.apiResources("", "v1", servedResources()).orElseThrow());
            case OpenApiV3.PREFIX:
                return json(200, OpenApiV3.root(servedResources()));
            default:
                break;
        }
        if (path.startsWith(OpenApiV3.PREFIX + "/")) {
            return OpenApiV3.groupVersion(path.substring(OpenApiV3.PREFIX.length() + 1), servedResources())
                    .map(document -> json(200, document))
                    .orElseGet(() -> notFound(path));
        }
        Matcher groupVersion = GROUP_VERSION_PATH.matcher(path);
        if (groupVersion.matches()) {
            return ApiDiscovery.apiResources(groupVersion.group("group"), groupVersion.group("version"),
                    servedResources())
                    .map(resources -> json(200, resources))
                    .orElseGet(() -> notFound(path));
        }
        Matcher resource = RESOURCE_PATH.matcher(path);
        if (!resource.matches()) {
            return notFound(path);
        }
        Map<String, String> query = queryOf(request);
        Optional<List<ServerSideTable.Column>> columns = resource.group("subresource") == null && acceptsTable(request)
                ? tableColumns(Optional.ofNullable(resource.group("group")).orElse(""), resource.group("version"),
                        resource.group("plural"))
                : Optional.empty();
        boolean watch = "true".equals(query.get("watch"));
        if (watch && !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            UnaryOperator<JsonNode> render = columns
                    .<UnaryOperator<JsonNode>> map(table -> object -> ServerSideTable.render(table, List.of(object),
                            object.path("metadata").path("resourceVersion").asText(""), query.get("includeObject")))
                    .orElse(UnaryOperator.identity());
            return watches.answer(request.getPath(), render);
        }
        if (watch) {
            return store.dispatch(request);
        }
        MockResponse stored = read(request, resource, query.get("fieldSelector"));
        if (columns.isEmpty() || stored.code() != 200) {
            return stored;
        }
        JsonNode body = parseTree(stored.getBody().readUtf8());
        return json(200, ServerSideTable.render(columns.get(), objectsIn(body),
                body.path("metadata").path("resourceVersion").asText(""), query.get("includeObject")));
    }

    /**
     * A GET answered by the store, with two corrections. Field selectors: the mock knows only metadata.name and
     * metadata.namespace and finds nothing for other fields, such as the involvedObject.* that kubectl describe
     * uses to list an object's events, so those lists are filtered here. List kinds: the mock calls every list
     * "List", and typed clients (kubectl describe's events, for one) drop a list not named e.g. "EventList".
     */
    private MockResponse read(RecordedRequest request, Matcher resource, String fieldSelector) {
        boolean filter = fieldSelector != null && !fieldSelector.isEmpty() && !Arrays.stream(fieldSelector.split(","))
                .allMatch(requirement -> requirement.startsWith("metadata."));
        MockResponse stored = filter
                ? store.handleGet(PollingWatches.withoutQueryParameter(request.getPath(), "fieldSelector"))
                : store.dispatch(request);
        if (stored.code() != 200 || resource.group("name") != null) {
            return stored;
        }
        JsonNode body = parseTree(stored.getBody().readUtf8());
        if (body instanceof ObjectNode list && list.has("items")) {
            if (filter) {
                List<JsonNode> objects = objectsIn(list);
                ArrayNode kept = list.putArray("items");
                objects.stream().filter(object -> FieldSelector.matches(fieldSelector, object)).forEach(kept::add);
            }
            String group = Optional.ofNullable(resource.group("group")).orElse("");
            servedResources().stream()
                    .filter(served -> served.group().equals(group) && served.version().equals(resource.group("version"))
                            && served.plural().equals(resource.group("plural")))
                    .findFirst()
                    .ifPresent(served -> list.put("kind", served.kind() + "List").put("apiVersion", served.groupVersion()));
        }
        return json(200, body);
    }

    /**
     * The sandbox authorises every request of its own administrator (no impersonation), and says so when asked
     * (kubectl auth can-i --list; the operator SDK asks before leader election whether it may use Leases): one rule
     * allowing every verb on everything.
     */
    private static ObjectNode selfSubjectRulesReview(ObjectNode review) {
        ObjectNode answer = review == null ? JSON.objectNode() : review;
        answer.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SelfSubjectRulesReview");
        ObjectNode status = answer.putObject("status");
        ObjectNode everything = status.putArray("resourceRules").addObject();
        everything.putArray("verbs").add("*");
        everything.putArray("apiGroups").add("*");
        everything.putArray("resources").add("*");
        ObjectNode allUrls = status.putArray("nonResourceRules").addObject();
        allUrls.putArray("verbs").add("*");
        allUrls.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
        return answer;
    }

    private MockResponse create(RecordedRequest request, String path) {
        if (path.equals(SELF_SUBJECT_RULES_REVIEWS)) {
            return json(201, selfSubjectRulesReview(parseObject(request.getBody().getBytes())));
        }
        if (path.equals(SandboxAuthorizer.SUBJECT_ACCESS_REVIEWS)) {
            return json(201, authorizer.review(parseObject(request.getBody().getBytes())));
        }
        Matcher resource = RESOURCE_PATH.matcher(path);
        if (!resource.matches()) {
            return notFound(path);
        }
        byte[] body = request.getBody().getBytes();
        ObjectNode object = ProtobufBodyDecoder.MEDIA_TYPE.equals(mediaType(request))
                ? ProtobufBodyDecoder.decode(body)
                : parseObject(body);
        if (object == null) {
            return store.dispatch(withBody(request, path, mediaType(request), body));
        }
        // Defaults a real API server applies and kubectl prints.
        if (isCoreKind(object, "Namespace") && object.path("status").path("phase").isMissingNode()) {
            object.withObjectProperty("status").put("phase", "Active");
        }
        if (isCoreKind(object, "Secret") && object.path("type").asText("").isEmpty()) {
            object.put("type", "Opaque");
        }
        SandboxStore.foldSecretStringData(object);
        MockResponse response = store.dispatch(withBody(request, path, JSON_MEDIA_TYPE,
                object.toString().getBytes(StandardCharsets.UTF_8)));
        if (response.code() == 409) {
            // The mock's reason is "Invalid", which kubectl prints as 'The ConfigMap "" is invalid'.
            String group = resource.group("group");
            String name = object.path("metadata").path("name").asText();
            ObjectNode status = statusNode(409, "AlreadyExists", resource.group("plural")
                    + (group == null ? "" : "." + group) + " \"" + name + "\" already exists");
            status.putObject("details").put("name", name).put("group", group == null ? "" : group)
                    .put("kind", resource.group("plural"));
            return json(409, status);
        }
        return response;
    }

    private MockResponse update(RecordedRequest request, String path) {
        if (!RESOURCE_PATH.matcher(path).matches()) {
            return notFound(path);
        }
        String mediaType = mediaType(request);
        byte[] body = request.getBody().getBytes();
        if (APPLY_PATCH.equals(mediaType)) {
            return status(415, "UnsupportedMediaType", "server-side apply is not supported by the sandbox API "
                    + "server; use kubectl apply without --server-side, or kubectl patch --type merge");
        }
        if (STRATEGIC_MERGE_PATCH.equals(mediaType)) {
            // kubectl sends strategic merge patches for built-in kinds (kubectl apply of an existing object,
            // kubectl patch without --type). Without directives they merge maps exactly as a JSON merge patch;
            // directives ($setElementOrder, $patch, $retainKeys, ...) need per-field schemas the sandbox lacks.
            if (hasPatchDirective(parseTree(new String(body, StandardCharsets.UTF_8)))) {
                return status(415, "UnsupportedMediaType", "this strategic merge patch uses directives ($patch, "
                        + "$setElementOrder, $retainKeys, ...) that the sandbox API server cannot apply; use kubectl "
                        + "patch --type merge or --type json, or kubectl replace -f");
            }
            mediaType = MERGE_PATCH;
        } else if (ProtobufBodyDecoder.MEDIA_TYPE.equals(mediaType)) {
            body = ProtobufBodyDecoder.decode(body).toString().getBytes(StandardCharsets.UTF_8);
            mediaType = JSON_MEDIA_TYPE;
        }
        MockResponse before = store.handleGet(path);
        MockResponse response = store.dispatch(withBody(request, path, mediaType, body));
        if (response.code() == 409) {
            // A stale resourceVersion; the mock's reason "Invalid" would make clients treat it as a bad request.
            return status(409, "Conflict", parseTree(response.getBody().readUtf8()).path("message").asText());
        }
        if (response.code() / 100 == 2 && isEmpty(response) && before.code() == 200) {
            // The write removed the last finalizer of an object marked for deletion, so the store dropped it and
            // answered with no body; a real server answers with the object's last state (finalizers gone), and
            // kubectl needs one.
            ObjectNode last = (ObjectNode) parseTree(before.getBody().readUtf8());
            last.withObjectProperty("metadata").remove("finalizers");
            watches.recordDeletion(path, last);
            return json(200, last);
        }
        return response;
    }

    private MockResponse delete(RecordedRequest request, String path) {
        Matcher resource = RESOURCE_PATH.matcher(path);
        if (!resource.matches()) {
            return notFound(path);
        }
        List<JsonNode> before = objectsIn(store.handleGet(request.getPath()));
        MockResponse response = store.dispatch(request);
        for (JsonNode object : before) {
            String itemPath = itemPath(resource, object);
            if (store.handleGet(itemPath).code() == 404) {
                watches.recordDeletion(itemPath, (ObjectNode) object);
            }
        }
        return response;
    }

    private Optional<List<ServerSideTable.Column>> tableColumns(String group, String version, String plural) {
        if (group.isEmpty()) {
            return Optional.ofNullable(ServerSideTable.BUILT_IN.get(plural));
        }
        for (CustomResourceDefinition crd : storedCrds()) {
            if (crd.getSpec().getGroup().equals(group) && crd.getSpec().getNames().getPlural().equals(plural)) {
                for (CustomResourceDefinitionVersion crdVersion : crd.getSpec().getVersions()) {
                    if (crdVersion.getName().equals(version)) {
                        return Optional.of(ServerSideTable.crdColumns(crdVersion.getAdditionalPrinterColumns()));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The objects of a list answer, or the one object of an item answer; none for a failed answer. */
    private static List<JsonNode> objectsIn(MockResponse response) {
        return response.code() == 200 ? objectsIn(parseTree(response.getBody().readUtf8())) : List.of();
    }

    private static List<JsonNode> objectsIn(JsonNode body) {
        List<JsonNode> objects = new ArrayList<>();
        if (body.has("items")) {
            body.get("items").forEach(objects::add);
        } else {
            objects.add(body);
        }
        return objects;
    }

    private static String itemPath(Matcher resource, JsonNode object) {
        String group = resource.group("group");
        String namespace = object.path("metadata").path("namespace").asText("");
        return (group == null ? "/api/" : "/apis/" + group + "/") + resource.group("version")
                + (namespace.isEmpty() ? "" : "/namespaces/" + namespace)
                + "/" + resource.group("plural") + "/" + object.path("metadata").path("name").asText();
    }

    private static boolean isCoreKind(JsonNode object, String kind) {
        return kind.equals(object.path("kind").asText()) && "v1".equals(object.path("apiVersion").asText());
    }

    private static boolean isEmpty(MockResponse response) {
        return response.getBody() == null || response.getBody().size() == 0;
    }

    private List<ServedResource> servedResources() {
        return ApiDiscovery.servedResources(storedCrds());
    }

    private List<CustomResourceDefinition> storedCrds() {
        MockResponse list = store.handleGet(CRD_LIST_PATH);
        return SERIALIZATION.unmarshal(list.getBody().readUtf8(), CustomResourceDefinitionList.class).getItems();
    }

    private static ObjectNode versionInfo() {
        return JSON.objectNode()
                .put("major", KUBERNETES_VERSION_MAJOR)
                .put("minor", KUBERNETES_VERSION_MINOR)
                .put("gitVersion", "v" + KUBERNETES_VERSION_MAJOR + "." + KUBERNETES_VERSION_MINOR + ".0-krm-sync-sandbox")
                .put("gitCommit", "")
                .put("gitTreeState", "clean")
                .put("buildDate", "1970-01-01T00:00:00Z")
                .put("goVersion", "")
                .put("compiler", "")
                .put("platform", "linux/amd64");
    }

    /** Finishing touches the mock leaves out: a JSON content type, a Status body for a bare 404. */
    private static MockResponse finish(RecordedRequest request, MockResponse response) {
        if (response.code() == 404 && isEmpty(response)) {
            response = notFound(pathOf(request));
        }
        if (!isEmpty(response) && response.header("Content-Type") == null) {
            response.setHeader("Content-Type", JSON_MEDIA_TYPE);
        }
        return response;
    }

    private static MockResponse notFound(String path) {
        Matcher resource = RESOURCE_PATH.matcher(path);
        if (resource.matches() && resource.group("name") != null) {
            String group = resource.group("group");
            String qualified = resource.group("plural") + (group == null ? "" : "." + group);
            ObjectNode status = statusNode(404, "NotFound", qualified + " \"" + resource.group("name") + "\" not found");
            status.putObject("details").put("name", resource.group("name"))
                    .put("group", group == null ? "" : group).put("kind", resource.group("plural"));
            return json(404, status);
        }
        return json(404, statusNode(404, "NotFound", "the server could not find the requested resource"));
    }

    private static MockResponse status(int code, String reason, String message) {
        return json(code, statusNode(code, reason, message));
    }

    static ObjectNode statusNode(int code, String reason, String message) {
        ObjectNode status = JSON.objectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        return status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    }

    static MockResponse json(int code, Object body) {
        String text = body instanceof JsonNode node ? node.toString() : SERIALIZATION.asJson(body);
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON_MEDIA_TYPE).setBody(text);
    }

    private static boolean acceptsTable(RecordedRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("as=Table") && accept.contains("g=meta.k8s.io");
    }

    private static boolean hasPatchDirective(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getKey().startsWith("$") || hasPatchDirective(field.getValue())) {
                    return true;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (hasPatchDirective(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ObjectNode parseObject(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode parseTree(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The request as the store should see it: without query (the mock misreads subresource paths with one). */
    private static RecordedRequest withBody(RecordedRequest request, String path, String contentType, byte[] body) {
        return new RecordedRequest(request.getHttpVersion(), request.method(), path,
                request.getHeaders().newBuilder()
                        .setHeader("Content-Type", contentType)
                        .setHeader("Content-Length", String.valueOf(body.length))
                        .build(),
                new Buffer(body));
    }

    private static String mediaType(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType == null) {
            return "";
        }
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    private static String pathOf(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static Map<String, String> queryOf(RecordedRequest request) {
        Map<String, String> query = new HashMap<>();
        String path = request.getPath();
        int start = path.indexOf('?');
        if (start >= 0) {
            for (String parameter : path.substring(start + 1).split("&")) {
                int equals = parameter.indexOf('=');
                String key = equals < 0 ? parameter : parameter.substring(0, equals);
                String value = equals < 0 ? "" : parameter.substring(equals + 1);
                query.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return query;
    }
}
