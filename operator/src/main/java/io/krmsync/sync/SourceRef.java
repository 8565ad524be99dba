package io.krmsync.sync;

/** Where a copy comes from; rendered as cluster/namespace/name in the source annotation. */
public record SourceRef(String cluster, String namespace, String name) {

    @Override
    public String toString() {
        return cluster + "/" + namespace + "/" + name;
    }
}
