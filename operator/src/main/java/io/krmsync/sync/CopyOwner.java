package io.krmsync.sync;

/**
 * Who manages a copy: a reconciler and the identity of the thing it reconciles (for a CR, its namespace and name).
 *
 * @param reconciler lower-case reconciler name, a valid label value
 * @param identity free-form identity within the reconciler, e.g. "namespace/name"
 */
public record CopyOwner(String reconciler, String identity) {

    public static CopyOwner of(String reconciler, String namespace, String name) {
        return new CopyOwner(reconciler, namespace + "/" + name);
    }

    /** The exact, human-readable key stored in the owner annotation. */
    public String key() {
        return reconciler + "/" + identity;
    }

    /** A label-safe digest of {@link #key()}. */
    public String labelValue() {
        return Digests.sha256Hex(key(), 20);
    }
}
