package io.krmsync.sandbox;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Who may do what in one sandbox API server. The sandbox allows everything until a test denies an access; from then
 * on, until {@link #clear()}, a SubjectAccessReview of it answers not allowed, and a request that impersonates its
 * user to do it is refused with 403, as a real API server without an RBAC grant for it would.
 */
public final class AccessPolicy {

    /**
     * One access, in a SubjectAccessReview's words.
     *
     * @param group the API group, "" for the core group
     * @param resource plural, with "/subresource" for a subresource
     * @param namespace "" for cluster-scoped objects or every namespace
     * @param name "" for no particular object (create, list, watch)
     */
    public record Access(String user, String verb, String group, String resource, String namespace, String name) {
    }

    /** Accesses refused: each field must equal the access's, null matches anything. */
    public record Denial(String user, String verb, String resource, String namespace, String name) {

        boolean matches(Access access) {
            return matches(user, access.user()) && matches(verb, access.verb())
                    && matches(resource, access.resource()) && matches(namespace, access.namespace())
                    && matches(name, access.name());
        }

        private static boolean matches(String wanted, String actual) {
            return wanted == null || wanted.equals(Objects.requireNonNullElse(actual, ""));
        }
    }

    private final List<Denial> denials = new CopyOnWriteArrayList<>();

    void deny(Denial denial) {
        denials.add(denial);
    }

    boolean allows(Access access) {
        return denials.stream().noneMatch(denial -> denial.matches(access));
    }

    void clear() {
        denials.clear();
    }
}
