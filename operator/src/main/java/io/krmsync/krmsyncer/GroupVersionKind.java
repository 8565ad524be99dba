package io.krmsync.krmsyncer;

import java.util.Objects;

/** A kind by API group, version and kind name, as rules name it: the core group is "". */
record GroupVersionKind(String group, String version, String kind) {

    GroupVersionKind {
        group = Objects.requireNonNullElse(group, "");
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return kind + "." + (group.isEmpty() ? "" : group + "/") + version;
    }
}
