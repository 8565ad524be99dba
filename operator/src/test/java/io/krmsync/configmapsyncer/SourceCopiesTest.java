package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.status.Reason;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.ObjectSanitizer;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UncopyableObjectException;

class SourceCopiesTest {

    private static final CopyOwner OWNER = CopyOwner.of("configmapsyncer", "default", "app-syncer");
    private static final SourceRef SOURCE = new SourceRef("local", "default", "app-config");

    private final ObjectSanitizer sanitizer = new ObjectSanitizer(new KubernetesSerialization());

    private static ConfigMap source() {
        return new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").withNamespace("default").withResourceVersion("7")
                    .endMetadata()
                .withData(Map.of("key1", "value1", "key2", "value2", "key3", "value3"))
                .withBinaryData(Map.of("blob1", "AAE=", "blob2", "AgM="))
                .build();
    }

    private SourceCopies copies(HasMetadata source, List<String> keys) {
        return new SourceCopies(source, keys, sanitizer, SOURCE, OWNER);
    }

    @Test
    void noKeysCopiesEveryKey() {
        GenericKubernetesResource copy = copies(source(), List.of()).desiredIn("dev");

        assertThat(copy.getAdditionalProperties())
                .containsEntry("data", Map.of("key1", "value1", "key2", "value2", "key3", "value3"))
                .containsEntry("binaryData", Map.of("blob1", "AAE=", "blob2", "AgM="));
    }

    @Test
    void keysFilterData() {
        GenericKubernetesResource copy = copies(source(), List.of("key1", "key3")).desiredIn("dev");

        assertThat(copy.getAdditionalProperties()).containsEntry("data", Map.of("key1", "value1", "key3", "value3"));
    }

    @Test
    void keysFilterBinaryData() {
        GenericKubernetesResource copy = copies(source(), List.of("key1", "blob2")).desiredIn("dev");

        assertThat(copy.getAdditionalProperties())
                .containsEntry("data", Map.of("key1", "value1"))
                .containsEntry("binaryData", Map.of("blob2", "AgM="));
    }

    @Test
    void keysFilterSecretData() {
        HasMetadata secret = new SecretBuilder()
                .withNewMetadata().withName("db").withNamespace("default").endMetadata()
                .withType("Opaque")
                .withData(Map.of("username", "dXNlcg==", "password", "cHc=", "host", "ZGI="))
                .build();

        GenericKubernetesResource copy = copies(secret, List.of("username", "password")).desiredIn("dev");

        assertThat(copy.getAdditionalProperties())
                .containsEntry("data", Map.of("username", "dXNlcg==", "password", "cHc="))
                .containsEntry("type", "Opaque");
    }

    @Test
    void keysMissingFromTheSourceAreReported() {
        SourceCopies copies = copies(source(), List.of("key1", "nope", "blob1", "gone"));

        assertThat(copies.missingKeys()).containsExactly("nope", "gone");
    }

    @Test
    void keysFoundInBinaryDataAreNotMissing() {
        assertThat(copies(source(), List.of("blob2")).missingKeys()).isEmpty();
    }

    @Test
    void noKeysReportsNothingMissing() {
        assertThat(copies(source(), List.of()).missingKeys()).isEmpty();
    }

    @Test
    void desiredCopyTargetsTheGivenNamespaceAndCarriesTheMarker() {
        GenericKubernetesResource copy = copies(source(), List.of("key1")).desiredIn("staging");

        assertThat(copy.getMetadata().getNamespace()).isEqualTo("staging");
        assertThat(copy.getMetadata().getResourceVersion()).isNull();
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, OWNER.key())
                .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "local/default/app-config");
    }

    @Test
    void filteringDoesNotChangeTheSource() {
        ConfigMap source = source();

        copies(source, List.of("key1"));

        assertThat(source.getData()).containsOnlyKeys("key1", "key2", "key3");
        assertThat(source.getBinaryData()).containsOnlyKeys("blob1", "blob2");
    }

    @Test
    void differentKeySelectionsGiveDifferentSourceHashes() {
        String all = copies(source(), List.of()).desiredIn("dev").getMetadata().getAnnotations()
                .get(TrackingMetadata.SOURCE_HASH_ANNOTATION);
        String some = copies(source(), List.of("key1")).desiredIn("dev").getMetadata().getAnnotations()
                .get(TrackingMetadata.SOURCE_HASH_ANNOTATION);

        assertThat(all).isNotEqualTo(some);
    }

    @Test
    void serviceAccountTokenIsRefusedAtConstruction() {
        HasMetadata token = new SecretBuilder()
                .withNewMetadata().withName("builder-token").withNamespace("default").endMetadata()
                .withType(ObjectSanitizer.SERVICE_ACCOUNT_TOKEN_TYPE)
                .withData(Map.of("token", "dG9rZW4="))
                .build();

        assertThatThrownBy(() -> copies(token, List.of()))
                .isInstanceOfSatisfying(UncopyableObjectException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ServiceAccountTokenSecret));
    }
}
