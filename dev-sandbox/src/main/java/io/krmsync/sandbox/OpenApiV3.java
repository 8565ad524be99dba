package io.krmsync.sandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Just enough OpenAPI v3 for kubectl's field-validation check. Before {@code kubectl apply} or {@code create -f}
 * sends an object, kubectl 1.32 reads {@code /openapi/v3} to learn whether the server validates fields itself
 * (a {@code fieldValidation} query parameter on the kind's PATCH operation); if not, it wants the full
 * {@code /openapi/v2} schema for client-side validation and fails without it. These documents declare that
 * parameter for every served kind and carry no schemas, so kubectl validates nothing client-side (as against a
 * real server, which would validate server-side) and computes patches from its built-in types.
 */
final class OpenApiV3 {

    static final String PREFIX = "/openapi/v3";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OpenApiV3() {
    }

    /** The root document: one entry per group version, e.g. {@code api/v1}, {@code apis/apps/v1}. */
    static ObjectNode root(List<ServedResource> served) {
        ObjectNode root = JSON.objectNode();
        ObjectNode paths = root.putObject("paths");
        byGroupVersion(served).forEach((groupVersionPath, resources) -> paths.putObject(groupVersionPath)
                .put("serverRelativeURL", PREFIX + "/" + groupVersionPath + "?hash="
                        + Integer.toHexString(groupVersionDocument(resources).hashCode())));
        return root;
    }

    /** The document of one group version, e.g. for path {@code apis/apps/v1}; empty when nothing is served there. */
    static Optional<ObjectNode> groupVersion(String groupVersionPath, List<ServedResource> served) {
        return Optional.ofNullable(byGroupVersion(served).get(groupVersionPath)).map(OpenApiV3::groupVersionDocument);
    }

    private static ObjectNode groupVersionDocument(List<ServedResource> resources) {
        ObjectNode document = JSON.objectNode().put("openapi", "3.0.0");
        document.putObject("info").put("title", "Kubernetes").put("version",
                "v" + SandboxDispatcher.KUBERNETES_VERSION_MAJOR + "." + SandboxDispatcher.KUBERNETES_VERSION_MINOR + ".0");
        ObjectNode paths = document.putObject("paths");
        for (ServedResource resource : resources) {
            ObjectNode patch = paths.putObject(itemPath(resource)).putObject("patch");
            patch.putObject("x-kubernetes-group-version-kind")
                    .put("group", resource.group())
                    .put("version", resource.version())
                    .put("kind", resource.kind());
            patch.putArray("parameters").addObject()
                    .put("name", "fieldValidation")
                    .put("in", "query")
                    .putObject("schema").put("type", "string");
        }
        return document;
    }

    private static Map<String, List<ServedResource>> byGroupVersion(List<ServedResource> served) {
        return served.stream().collect(Collectors.groupingBy(OpenApiV3::groupVersionPath, LinkedHashMap::new,
                Collectors.toList()));
    }

    private static String groupVersionPath(ServedResource resource) {
        return resource.group().isEmpty() ? "api/" + resource.version() : "apis/" + resource.groupVersion();
    }

    private static String itemPath(ServedResource resource) {
        return "/" + groupVersionPath(resource) + (resource.namespaced() ? "/namespaces/{namespace}/" : "/")
                + resource.plural() + "/{name}";
    }
}
