package io.krmsync.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
        String json = serialization.asJson(sorted(canonical));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
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
