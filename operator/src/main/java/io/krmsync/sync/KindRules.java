package io.krmsync.sync;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What krm-sync knows about a kind when copying it: which fields are cluster-local and dropped, which content is
 * compared exactly, and which changes force a delete-and-recreate.
 *
 * @param exactFields top-level fields compared exactly (nothing on the server defaults them); when empty, every
 *        top-level field of the desired object is compared as a subset of the live one, so server defaults are no drift
 * @param clusterLocalFields fields removed before copying, because they only mean something in the source cluster
 * @param recreateFields top-level fields the API server will not change in place
 */
public record KindRules(Set<String> exactFields, List<ClusterLocalField> clusterLocalFields, Set<String> recreateFields) {

    /**
     * A field allocated by the source cluster.
     *
     * @param path dotted path from the object's root, e.g. "spec.clusterIP"
     * @param portable values that mean the same in every cluster and are kept (a headless Service's "None")
     */
    public record ClusterLocalField(String path, Set<Object> portable) {

        static ClusterLocalField of(String path, Object... portable) {
            return new ClusterLocalField(path, Set.of(portable));
        }
    }

    private static final KindRules DEFAULT = new KindRules(Set.of(), List.of(), Set.of());

    private static final Map<String, KindRules> BY_KIND = Map.of(
            "v1/ConfigMap", new KindRules(Set.of("data", "binaryData", "immutable"), List.of(), Set.of()),
            "v1/Secret", new KindRules(Set.of("data", "type", "immutable"), List.of(), Set.of("type")),
            "v1/Service", new KindRules(Set.of(), List.of(
                    ClusterLocalField.of("spec.clusterIP", "None"),
                    ClusterLocalField.of("spec.clusterIPs", List.of("None")),
                    ClusterLocalField.of("spec.healthCheckNodePort")), Set.of()),
            "v1/PersistentVolumeClaim", new KindRules(Set.of(), List.of(ClusterLocalField.of("spec.volumeName")), Set.of()),
            "v1/PersistentVolume", new KindRules(Set.of(), List.of(ClusterLocalField.of("spec.claimRef")), Set.of()),
            "v1/Pod", new KindRules(Set.of(), List.of(ClusterLocalField.of("spec.nodeName")), Set.of()));

    public static KindRules forKind(String apiVersion, String kind) {
        return BY_KIND.getOrDefault(apiVersion + "/" + kind, DEFAULT);
    }

    public boolean comparesExactly() {
        return !exactFields.isEmpty();
    }
}
