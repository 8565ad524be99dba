package io.krmsync.tenancy;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The annotations by which the owner of an object or a namespace lets a tenant's syncer in, as kubernetes-replicator
 * and kubernetes-reflector do: no annotation, or an empty one, means no.
 */
public final class Consent {

    /** On a source object: the namespaces whose syncers may read it, comma-separated, {@code *} for all. */
    public static final String SHARE_WITH = "krm-sync.io/share-with";
    /** On a namespace: the namespaces whose syncers may write copies into it, comma-separated, {@code *} for all. */
    public static final String ACCEPT_FROM = "krm-sync.io/accept-from";

    private Consent() {
    }

    /** Whether the object's owner shares it with syncers of {@code namespace}. */
    public static boolean sharedWith(HasMetadata source, String namespace) {
        return lists(source, SHARE_WITH, namespace);
    }

    /** Whether the namespace accepts copies from syncers of {@code namespace}. */
    public static boolean acceptsFrom(HasMetadata targetNamespace, String namespace) {
        return lists(targetNamespace, ACCEPT_FROM, namespace);
    }

    private static boolean lists(HasMetadata object, String annotation, String namespace) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(annotation);
        if (value == null) {
            return false;
        }
        return NamespaceNames.parse(value).includes(namespace);
    }
}
