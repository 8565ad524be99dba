package io.krmsync.sync;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** A stable digest of a desired copy's labels, annotations and content, independent of map ordering. */
final class ContentHash {

    private final KubernetesSerialization serialization;

    ContentHash(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    String of(GenericKubernetesResource copy) {
        Map<String, Object> canonical = new TreeMap<>();
        canonical.put("labels", copy.getMetadata().getLabels());
        canonical.put("annotations", copy.getMetadata().getAnnotations());
        canonical.put("content", copy.getAdditionalProperties());
        return Digests.sha256Hex(serialization.asJson(sorted(canonical)), 16);
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> result = new TreeMap<>();
            map.forEach((key, nested) -> result.put(String.valueOf(key), sorted(nested)));
            return result;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ContentHash::sorted).toList();
        }
        return value;
    }
}
