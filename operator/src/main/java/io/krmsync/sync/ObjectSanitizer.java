package io.krmsync.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.status.Reason;

/**
 * Turns a source object of any kind into the desired copy: only name, namespace, labels, annotations and content
 * survive; server-set metadata, ownerReferences, status and cluster-local fields are dropped; the tracking marker is
 * stamped on.
 */
public final class ObjectSanitizer {

    public static final String SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";
    static final String BOOTSTRAP_TOKEN_TYPE = "bootstrap.kubernetes.io/token";
    /** Published in every namespace by each cluster's own controller, with that cluster's CA. */
    static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    static final String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
    private static final Set<String> NON_CONTENT_FIELDS = Set.of("apiVersion", "kind", "metadata", "status");

    private final KubernetesSerialization serialization;
    private final ContentHash contentHash;

    public ObjectSanitizer(KubernetesSerialization serialization) {
        this.serialization = serialization;
        this.contentHash = new ContentHash(serialization);
    }

    /**
     * @throws UncopyableObjectException for objects that must never be copied: service-account and bootstrap tokens,
     *         the root CA ConfigMap (a copy would replace the target cluster's own CA bundle)
     */
    public GenericKubernetesResource desiredCopy(HasMetadata source, String targetNamespace, SourceRef sourceRef,
            CopyOwner owner) {
        GenericKubernetesResource generic = toGeneric(source);
        if ("Secret".equals(generic.getKind())
                && SERVICE_ACCOUNT_TOKEN_TYPE.equals(generic.getAdditionalProperties().get("type"))) {
            throw new UncopyableObjectException(Reason.ServiceAccountTokenSecret,
                    "Secret " + sourceRef + " is a service-account token; tokens are bound to their cluster and namespace and are never copied");
        }
        if ("Secret".equals(generic.getKind())
                && BOOTSTRAP_TOKEN_TYPE.equals(generic.getAdditionalProperties().get("type"))) {
            throw new UncopyableObjectException(Reason.ClusterLocalObject,
                    "Secret " + sourceRef + " is a bootstrap token of its cluster; never copied");
        }
        if ("ConfigMap".equals(generic.getKind()) && ROOT_CA_CONFIG_MAP.equals(generic.getMetadata().getName())) {
            throw new UncopyableObjectException(Reason.ClusterLocalObject, "ConfigMap " + sourceRef
                    + " is the cluster's root CA bundle, which every cluster publishes in every namespace itself; never copied");
        }
        KindRules rules = KindRules.forKind(generic.getApiVersion(), generic.getKind());

        Map<String, String> annotations = withoutTrackingKeys(generic.getMetadata().getAnnotations());
        annotations.remove(LAST_APPLIED_ANNOTATION);
        GenericKubernetesResource copy = skeleton(generic, targetNamespace,
                withoutTrackingKeys(generic.getMetadata().getLabels()), annotations);
        ObjectMeta metadata = copy.getMetadata();
        generic.getAdditionalProperties().forEach((field, value) -> {
            if (!NON_CONTENT_FIELDS.contains(field)) {
                copy.setAdditionalProperty(field, value);
            }
        });
        rules.clusterLocalFields().forEach(field -> removeClusterLocal(copy.getAdditionalProperties(), field));

        // The hash covers everything the user controls, so it changes exactly when the source's copyable content does.
        String hash = contentHash.of(copy);
        metadata.getLabels().put(TrackingMetadata.MANAGED_BY_LABEL, owner.reconciler());
        metadata.getLabels().put(TrackingMetadata.OWNER_LABEL, owner.labelValue());
        annotations.put(TrackingMetadata.OWNER_ANNOTATION, owner.key());
        annotations.put(TrackingMetadata.SOURCE_ANNOTATION, sourceRef.toString());
        annotations.put(TrackingMetadata.SOURCE_HASH_ANNOTATION, hash);
        return copy;
    }

    /**
     * The same desired copy for another namespace: the namespace is not part of the content or its hash. Shares the
     * label, annotation and content maps, which the copy engine only reads.
     */
    public static GenericKubernetesResource inNamespace(GenericKubernetesResource desired, String namespace) {
        GenericKubernetesResource copy = skeleton(desired, namespace, desired.getMetadata().getLabels(),
                desired.getMetadata().getAnnotations());
        copy.setAdditionalProperties(desired.getAdditionalProperties());
        return copy;
    }

    /** An object of the same kind and name, with only the given namespace, labels and annotations as metadata. */
    private static GenericKubernetesResource skeleton(GenericKubernetesResource of, String namespace,
            Map<String, String> labels, Map<String, String> annotations) {
        GenericKubernetesResource object = new GenericKubernetesResource();
        object.setApiVersion(of.getApiVersion());
        object.setKind(of.getKind());
        ObjectMeta metadata = new ObjectMeta();
        metadata.setName(of.getMetadata().getName());
        metadata.setNamespace(namespace);
        metadata.setLabels(labels);
        metadata.setAnnotations(annotations);
        object.setMetadata(metadata);
        return object;
    }

    public GenericKubernetesResource toGeneric(HasMetadata object) {
        if (object instanceof GenericKubernetesResource generic) {
            return serialization.clone(generic);
        }
        return serialization.convertValue(object, GenericKubernetesResource.class);
    }

    private static Map<String, String> withoutTrackingKeys(Map<String, String> entries) {
        Map<String, String> result = new TreeMap<>();
        if (entries != null) {
            entries.forEach((key, value) -> {
                if (!TrackingMetadata.isTrackingKey(key)) {
                    result.put(key, value);
                }
            });
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static void removeClusterLocal(Map<String, Object> root, KindRules.ClusterLocalField field) {
        List<String> segments = new ArrayList<>(List.of(field.path().split("\\.")));
        String last = segments.removeLast();
        Map<String, Object> current = root;
        for (String segment : segments) {
            if (!(current.get(segment) instanceof Map<?, ?> next)) {
                return;
            }
            // Copy on write: the source map may be shared with an informer cache.
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) next);
            current.put(segment, copy);
            current = copy;
        }
        Object value = current.get(last);
        if (value != null && !field.portable().contains(value)) {
            current.remove(last);
        }
    }
}
