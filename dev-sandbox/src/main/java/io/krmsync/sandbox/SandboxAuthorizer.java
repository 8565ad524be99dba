package io.krmsync.sandbox;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.krmsync.sandbox.AccessPolicy.Access;

/**
 * The sandbox's authorization, by its {@link AccessPolicy}: it answers SubjectAccessReviews as a real API server does
 * ({@code status.allowed}, {@code status.reason}), and refuses a request that impersonates a user
 * ({@code Impersonate-User}) to do what the policy denies that user, with the 403 a real API server sends. Requests
 * without impersonation are the sandbox's own administrator's: always allowed. It also feeds the {@link RequestLog}
 * while a test records one.
 */
final class SandboxAuthorizer {

    static final String IMPERSONATE_USER = "Impersonate-User";
    static final String IMPERSONATE_GROUP = "Impersonate-Group";
    static final String SUBJECT_ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final AccessPolicy policy = new AccessPolicy();
    private volatile RequestLog log;

    AccessPolicy policy() {
        return policy;
    }

    RequestLog startLog() {
        RequestLog started = new RequestLog();
        log = started;
        return started;
    }

    /** Drops the denials and stops recording. */
    void clear() {
        policy.clear();
        log = null;
    }

    void answered(RecordedRequest request, String path) {
        RequestLog current = log;
        if (current != null) {
            current.request(new RequestLog.Request(request.getMethod(), path, request.getHeader(IMPERSONATE_USER),
                    List.copyOf(request.getHeaders().headers(IMPERSONATE_GROUP))));
        }
    }

    /** The answer to a SubjectAccessReview: the review as sent, with its status. */
    ObjectNode review(ObjectNode review) {
        ObjectNode answer = review == null ? JSON.objectNode() : review;
        answer.put("apiVersion", "authorization.k8s.io/v1").put("kind", "SubjectAccessReview");
        JsonNode spec = answer.path("spec");
        JsonNode attributes = spec.path("resourceAttributes");
        Access access = new Access(spec.path("user").asText(""), attributes.path("verb").asText(""),
                attributes.path("group").asText(""), resource(attributes), attributes.path("namespace").asText(""),
                attributes.path("name").asText(""));
        RequestLog current = log;
        if (current != null && !attributes.isMissingNode()) {
            current.reviewed(access);
        }
        boolean allowed = attributes.isMissingNode() || policy.allows(access);
        answer.putObject("status").put("allowed", allowed).put("reason", allowed
                ? "the sandbox allows every access it was not told to deny"
                : "denied by the sandbox's access policy");
        return answer;
    }

    /** The 403 for an impersonated request that the policy denies; empty when it may go on. */
    Optional<MockResponse> refusal(RecordedRequest request, Matcher resource, boolean watch) {
        String user = request.getHeader(IMPERSONATE_USER);
        if (user == null || !resource.matches()) {
            return Optional.empty();
        }
        String group = Optional.ofNullable(resource.group("group")).orElse("");
        String plural = resource.group("plural") + (resource.group("subresource") == null ? ""
                : "/" + resource.group("subresource"));
        String name = Optional.ofNullable(resource.group("name")).orElse("");
        String namespace = Optional.ofNullable(resource.group("namespace")).orElse("");
        String verb = verb(request.getMethod(), !name.isEmpty(), watch);
        if (policy.allows(new Access(user, verb, group, plural, namespace, name))) {
            return Optional.empty();
        }
        String message = resource.group("plural") + (group.isEmpty() ? "" : "." + group)
                + (name.isEmpty() ? "" : " \"" + name + "\"") + " is forbidden: User \"" + user + "\" cannot " + verb
                + " resource \"" + plural + "\" in API group \"" + group + "\""
                + (namespace.isEmpty() ? " at the cluster scope" : " in the namespace \"" + namespace + "\"");
        ObjectNode status = SandboxDispatcher.statusNode(403, "Forbidden", message);
        status.putObject("details").put("name", name).put("group", group).put("kind", resource.group("plural"));
        return Optional.of(SandboxDispatcher.json(403, status));
    }

    private static String resource(JsonNode attributes) {
        String subresource = attributes.path("subresource").asText("");
        return attributes.path("resource").asText("") + (subresource.isEmpty() ? "" : "/" + subresource);
    }

    private static String verb(String method, boolean named, boolean watch) {
        return switch (method) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }
}
