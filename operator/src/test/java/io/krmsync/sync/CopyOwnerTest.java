package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CopyOwnerTest {

    @Test
    void keyIsReconcilerNamespaceAndName() {
        assertThat(CopyOwner.of("configmapsyncer", "default", "app-syncer").key())
                .isEqualTo("configmapsyncer/default/app-syncer");
    }

    @Test
    void labelValueIsAValidLabelValue() {
        String value = CopyOwner.of("configmapsyncer", "a-very-long-namespace-name-".repeat(3),
                "a-very-long-object-name-".repeat(8)).labelValue();

        assertThat(value).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]+");
    }

    @Test
    void labelValueIsDeterministic() {
        assertThat(CopyOwner.of("configmapsyncer", "default", "app-syncer").labelValue())
                .isEqualTo(CopyOwner.of("configmapsyncer", "default", "app-syncer").labelValue());
    }

    @Test
    void labelValueDiffersBetweenOwners() {
        assertThat(CopyOwner.of("configmapsyncer", "default", "a").labelValue())
                .isNotEqualTo(CopyOwner.of("configmapsyncer", "default", "b").labelValue())
                .isNotEqualTo(CopyOwner.of("krmsyncer", "default", "a").labelValue());
    }

    @Test
    void namespaceAndNameBoundaryIsPartOfTheKey() {
        assertThat(CopyOwner.of("configmapsyncer", "ab", "c").key())
                .isNotEqualTo(CopyOwner.of("configmapsyncer", "a", "bc").key());
    }
}
