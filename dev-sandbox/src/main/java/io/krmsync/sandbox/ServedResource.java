package io.krmsync.sandbox;

import java.util.List;

/** One resource type an API server serves, with what discovery tells clients about it. */
record ServedResource(String group, String version, String plural, String singular, String kind, boolean namespaced,
        List<String> shortNames, boolean statusSubresource) {

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
