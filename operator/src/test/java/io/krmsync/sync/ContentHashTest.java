package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The source-hash annotation, which tells a changed source from an edited copy. */
class ContentHashTest {

    private static final CopyOwner OWNER = CopyOwner.of("configmapsyncer", "default", "app-syncer");
    private static final SourceRef SOURCE = new SourceRef("local", "default", "app-config");

    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final ObjectSanitizer sanitizer = new ObjectSanitizer(serialization);

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static ConfigMap configMap(Map<String, String> labels, Map<String, String> annotations,
            Map<String, String> data) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").withNamespace("default")
                    .withLabels(labels).withAnnotations(annotations).endMetadata()
                .withData(data)
                .build();
    }

    private String sourceHash(ConfigMap source) {
        return sourceHash(source, "dev");
    }

    private String sourceHash(ConfigMap source, String targetNamespace) {
        GenericKubernetesResource copy = sanitizer.desiredCopy(source, targetNamespace, SOURCE, OWNER);
        return copy.getMetadata().getAnnotations().get(TrackingMetadata.SOURCE_HASH_ANNOTATION);
    }

    @Test
    void sameContentInDifferentMapOrderGivesTheSameHash() {
        ConfigMap one = configMap(ordered("a", "1", "b", "2"), ordered("x", "1", "y", "2"),
                ordered("key1", "value1", "key2", "value2", "key3", "value3"));
        ConfigMap other = configMap(ordered("b", "2", "a", "1"), ordered("y", "2", "x", "1"),
                ordered("key3", "value3", "key1", "value1", "key2", "value2"));

        assertThat(sourceHash(one)).isEqualTo(sourceHash(other));
    }

    @Test
    void changedDataValueChangesTheHash() {
        ConfigMap before = configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value1"));
        ConfigMap after = configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value2"));

        assertThat(sourceHash(before)).isNotEqualTo(sourceHash(after));
    }

    @Test
    void addedDataKeyChangesTheHash() {
        ConfigMap before = configMap(Map.of(), Map.of(), Map.of("key1", "value1"));
        ConfigMap after = configMap(Map.of(), Map.of(), Map.of("key1", "value1", "key2", "value2"));

        assertThat(sourceHash(before)).isNotEqualTo(sourceHash(after));
    }

    @Test
    void changedLabelChangesTheHash() {
        ConfigMap before = configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value1"));
        ConfigMap after = configMap(Map.of("app", "api"), Map.of(), Map.of("key1", "value1"));

        assertThat(sourceHash(before)).isNotEqualTo(sourceHash(after));
    }

    @Test
    void changedAnnotationChangesTheHash() {
        ConfigMap before = configMap(Map.of(), Map.of("team", "payments"), Map.of("key1", "value1"));
        ConfigMap after = configMap(Map.of(), Map.of("team", "billing"), Map.of("key1", "value1"));

        assertThat(sourceHash(before)).isNotEqualTo(sourceHash(after));
    }

    @Test
    void serverSetMetadataDoesNotChangeTheHash() {
        ConfigMap before = configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value1"));
        ConfigMap after = new ConfigMapBuilder(before).editMetadata()
                .withResourceVersion("99").withUid("u-1").withGeneration(7L)
                .addToAnnotations(ObjectSanitizer.LAST_APPLIED_ANNOTATION, "{}")
                .endMetadata().build();

        assertThat(sourceHash(before)).isEqualTo(sourceHash(after));
    }

    @Test
    void targetNamespaceDoesNotChangeTheHash() {
        ConfigMap source = configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value1"));

        assertThat(sourceHash(source, "dev")).isEqualTo(sourceHash(source, "staging"));
    }

    @Test
    void hashOfACopyIsStableAcrossCalls() {
        GenericKubernetesResource copy = sanitizer.desiredCopy(
                configMap(Map.of("app", "web"), Map.of(), Map.of("key1", "value1")), "dev", SOURCE, OWNER);
        ContentHash hash = new ContentHash(serialization);

        assertThat(hash.of(copy)).isEqualTo(hash.of(serialization.clone(copy))).hasSize(32);
    }
}
