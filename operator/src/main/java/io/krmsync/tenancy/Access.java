package io.krmsync.tenancy;

import java.util.List;

/**
 * One thing a user asks to do on the local cluster, in the words of a SubjectAccessReview's {@code spec.user} and
 * {@code spec.resourceAttributes}.
 *
 * @param group the API group, "" for the core group
 * @param resource the resource as URLs name it (plural), e.g. {@code secrets}
 * @param namespace "" for cluster-scoped objects, or for every namespace at once
 * @param name "" for every object (list, watch)
 */
public record Access(String user, String verb, String group, String resource, String namespace, String name) {

    /**
     * The groups the API server gives this user on an impersonated request that names no groups: a ServiceAccount's
     * are fixed (its namespace's, all ServiceAccounts', all authenticated users'). A review must name them too, or
     * RBAC bindings to those groups would count for the writes but not for the review.
     */
    public List<String> groups() {
        String[] parts = user.split(":");
        if (parts.length != 4 || !user.startsWith("system:serviceaccount:")) {
            return List.of("system:authenticated");
        }
        return List.of("system:serviceaccounts", "system:serviceaccounts:" + parts[2], "system:authenticated");
    }

    /** As a status message says it: "system:serviceaccount:team-a:sync may not get secrets team-b/db". */
    public String refused() {
        return user + " may not " + verb + " " + resourceAndObject();
    }

    /** The question a review asks: "system:serviceaccount:team-a:sync may get secrets team-b/db". */
    public String asked() {
        return user + " may " + verb + " " + resourceAndObject();
    }

    private String resourceAndObject() {
        return (group.isEmpty() ? resource : resource + "." + group) + " " + what();
    }

    private String what() {
        if (!name.isEmpty()) {
            return namespace.isEmpty() ? name : namespace + "/" + name;
        }
        return namespace.isEmpty() ? "cluster-wide" : "in namespace " + namespace;
    }
}
