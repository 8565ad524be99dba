package io.krmsync.sync;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Decides by content whether a live copy matches its desired state. Kinds without server defaults (ConfigMap, Secret)
 * are compared exactly, labels and annotations included. Every other kind is compared as "desired is contained in
 * live", so that fields, labels and annotations that the destination's server or controllers fill in are not
 * mistaken for drift.
 */
public final class CopyDiff {

    private CopyDiff() {
    }

    public static boolean differs(GenericKubernetesResource desired, GenericKubernetesResource live) {
        KindRules rules = KindRules.forKind(desired.getApiVersion(), desired.getKind());
        Map<String, Object> wanted = desired.getAdditionalProperties();
        Map<String, Object> actual = live.getAdditionalProperties();
        if (rules.comparesExactly()) {
            return !sameEntries(desired.getMetadata().getLabels(), live.getMetadata().getLabels())
                    || !sameEntries(desired.getMetadata().getAnnotations(), live.getMetadata().getAnnotations())
                    || rules.exactFields().stream().anyMatch(
                            field -> !Objects.equals(normalized(wanted.get(field)), normalized(actual.get(field))));
        }
        // Controllers in the target add their own labels and annotations (deployment.kubernetes.io/revision,
        // pv.kubernetes.io/*): only the ones krm-sync sets must match.
        return !contains(live.getMetadata().getLabels(), desired.getMetadata().getLabels())
                || !contains(live.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations())
                || wanted.entrySet().stream().anyMatch(entry -> !contains(actual.get(entry.getKey()), entry.getValue()));
    }

    /** True when a content change cannot be made in place: the live object is immutable, or a fixed field changes. */
    public static boolean needsRecreate(GenericKubernetesResource desired, GenericKubernetesResource live) {
        if (Boolean.TRUE.equals(live.getAdditionalProperties().get("immutable"))) {
            return true;
        }
        Set<String> fixed = KindRules.forKind(desired.getApiVersion(), desired.getKind()).recreateFields();
        return fixed.stream().anyMatch(field -> live.getAdditionalProperties().get(field) != null
                && !Objects.equals(desired.getAdditionalProperties().get(field), live.getAdditionalProperties().get(field)));
    }

    private static boolean sameEntries(Map<String, String> desired, Map<String, String> live) {
        return Objects.equals(normalized(desired), normalized(live));
    }

    /** Absent, null, empty and false mean the same to the API server for the fields compared exactly. */
    private static Object normalized(Object value) {
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return null;
        }
        if (Boolean.FALSE.equals(value)) {
            return null;
        }
        return value;
    }

    private static boolean contains(Object live, Object desired) {
        if (desired == null) {
            return true;
        }
        if (desired instanceof Map<?, ?> desiredMap) {
            if (!(live instanceof Map<?, ?> liveMap)) {
                return desiredMap.isEmpty() && live == null;
            }
            return desiredMap.entrySet().stream().allMatch(e -> contains(liveMap.get(e.getKey()), e.getValue()));
        }
        if (desired instanceof List<?> desiredList) {
            if (!(live instanceof List<?> liveList) || liveList.size() != desiredList.size()) {
                return desiredList.isEmpty() && live == null;
            }
            for (int i = 0; i < desiredList.size(); i++) {
                if (!contains(liveList.get(i), desiredList.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (desired instanceof Number desiredNumber && live instanceof Number liveNumber) {
            return desiredNumber.doubleValue() == liveNumber.doubleValue();
        }
        return Objects.equals(desired, live);
    }
}
