package io.krmsync.configmapsyncer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;

/** Builds the desired copy of a ConfigMap or Secret for one namespace, applying spec.keys. */
final class SourceCopies {

    private static final List<String> DATA_FIELDS = List.of("data", "binaryData");

    private final GenericKubernetesResource desired;
    private final List<String> missingKeys;

    /**
     * @throws io.krmsync.sync.UncopyableObjectException when the source must never be copied
     */
    SourceCopies(HasMetadata source, List<String> keys, ObjectSanitizer sanitizer, SourceRef sourceRef,
            CopyOwner owner) {
        GenericKubernetesResource generic = sanitizer.toGeneric(source);
        this.missingKeys = new ArrayList<>();
        if (!keys.isEmpty()) {
            for (String field : DATA_FIELDS) {
                if (generic.getAdditionalProperties().get(field) instanceof Map<?, ?> entries) {
                    Map<Object, Object> kept = new LinkedHashMap<>(entries);
                    kept.keySet().retainAll(keys);
                    generic.getAdditionalProperties().put(field, kept);
                }
            }
            keys.stream().filter(key -> DATA_FIELDS.stream().noneMatch(field -> hasKey(generic, field, key)))
                    .forEach(missingKeys::add);
        }
        // Sanitised and hashed once for all namespaces; throws here for sources that are never copied.
        this.desired = sanitizer.desiredCopy(generic, sourceRef.namespace(), sourceRef, owner);
    }

    GenericKubernetesResource desiredIn(String namespace) {
        return ObjectSanitizer.inNamespace(desired, namespace);
    }

    List<String> missingKeys() {
        return missingKeys;
    }

    private static boolean hasKey(GenericKubernetesResource resource, String field, String key) {
        return resource.getAdditionalProperties().get(field) instanceof Map<?, ?> entries && entries.containsKey(key);
    }
}
