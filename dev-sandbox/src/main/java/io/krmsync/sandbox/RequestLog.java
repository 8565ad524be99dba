package io.krmsync.sandbox;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.krmsync.sandbox.AccessPolicy.Access;

/**
 * What one sandbox API server received while a test recorded it ({@link SandboxApiServer#recordRequests()}): every
 * request with the user it impersonated, and every access asked about in a SubjectAccessReview. Nothing is recorded
 * otherwise, so that a sandbox running for hours keeps nothing.
 */
public final class RequestLog {

    /**
     * @param path without the query
     * @param impersonatedUser the {@code Impersonate-User} header, null when there was none
     * @param impersonatedGroups the {@code Impersonate-Group} headers
     */
    public record Request(String method, String path, String impersonatedUser, List<String> impersonatedGroups) {

        public boolean isWrite() {
            return !method.equals("GET");
        }
    }

    private final Queue<Request> requests = new ConcurrentLinkedQueue<>();
    private final Queue<Access> reviews = new ConcurrentLinkedQueue<>();

    void request(Request request) {
        requests.add(request);
    }

    void reviewed(Access access) {
        reviews.add(access);
    }

    /** In the order they were answered. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The accesses SubjectAccessReviews asked about, in the order they were answered. */
    public List<Access> reviews() {
        return List.copyOf(reviews);
    }
}
