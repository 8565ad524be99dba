package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.sync.TrackingMetadata.Ownership;

class TrackingMetadataTest {

    private static final CopyOwner OWNER = CopyOwner.of("configmapsyncer", "default", "app-syncer");
    private static final CopyOwner OTHER = CopyOwner.of("configmapsyncer", "team-b", "app-syncer");

    private final ObjectSanitizer sanitizer = new ObjectSanitizer(new KubernetesSerialization());

    private static ConfigMap configMap(Map<String, String> annotations) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName("app-config").withNamespace("dev").withAnnotations(annotations)
                .endMetadata()
                .withData(Map.of("key1", "value1"))
                .build();
    }

    private GenericKubernetesResource copyOwnedBy(CopyOwner owner) {
        return sanitizer.desiredCopy(configMap(Map.of()), "dev", new SourceRef("local", "default", "app-config"),
                owner);
    }

    @Test
    void copyCarryingThisOwnersMarkerIsOwned() {
        assertThat(TrackingMetadata.ownership(copyOwnedBy(OWNER), OWNER)).isEqualTo(Ownership.OWNED);
    }

    @Test
    void objectWithoutAnnotationsIsUnmanaged() {
        ConfigMap userObject = new ConfigMapBuilder().withNewMetadata().withName("app-config").endMetadata().build();
        userObject.getMetadata().setAnnotations(null);

        assertThat(TrackingMetadata.ownership(userObject, OWNER)).isEqualTo(Ownership.UNMANAGED);
    }

    @Test
    void objectWithOnlyForeignAnnotationsIsUnmanaged() {
        assertThat(TrackingMetadata.ownership(configMap(Map.of("team", "payments")), OWNER))
                .isEqualTo(Ownership.UNMANAGED);
    }

    @Test
    void copyCarryingAnotherOwnersMarkerBelongsToTheOtherOwner() {
        assertThat(TrackingMetadata.ownership(copyOwnedBy(OTHER), OWNER)).isEqualTo(Ownership.OTHER_OWNER);
    }

    @Test
    void ownershipIsDecidedByTheOwnerAnnotationNotTheLabels() {
        GenericKubernetesResource copy = copyOwnedBy(OTHER);
        copy.getMetadata().getLabels().put(TrackingMetadata.OWNER_LABEL, OWNER.labelValue());

        assertThat(TrackingMetadata.ownership(copy, OWNER)).isEqualTo(Ownership.OTHER_OWNER);
    }

    @Test
    void ownerKeyReadsTheOwnerAnnotation() {
        assertThat(TrackingMetadata.ownerKey(copyOwnedBy(OTHER))).contains("configmapsyncer/team-b/app-syncer");
        assertThat(TrackingMetadata.ownerKey(configMap(Map.of()))).isEmpty();
    }

    @Test
    void selectorForNamesTheReconcilerAndTheOwnerLabel() {
        assertThat(TrackingMetadata.selectorFor(OWNER)).containsExactlyInAnyOrderEntriesOf(Map.of(
                TrackingMetadata.MANAGED_BY_LABEL, "configmapsyncer",
                TrackingMetadata.OWNER_LABEL, OWNER.labelValue()));
    }

    @Test
    void selectorForMatchesThisOwnersCopiesOnly() {
        var selector = new LabelSelectorBuilder().withMatchLabels(TrackingMetadata.selectorFor(OWNER)).build();

        assertThat(LabelSelectors.matches(selector, copyOwnedBy(OWNER).getMetadata().getLabels())).isTrue();
        assertThat(LabelSelectors.matches(selector, copyOwnedBy(OTHER).getMetadata().getLabels())).isFalse();
    }

    @Test
    void trackingKeysAreThoseUnderThePrefix() {
        assertThat(TrackingMetadata.isTrackingKey("krm-sync.io/anything")).isTrue();
        assertThat(TrackingMetadata.isTrackingKey("example.io/krm-sync.io")).isFalse();
        assertThat(TrackingMetadata.isTrackingKey("app")).isFalse();
    }
}
