package io.krmsync.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The bytecode analysis NativeImageConfigurationIT relies on finds what is known to go through Jackson, so that an
 * empty or partial result cannot make that check pass by accident.
 */
class JacksonBoundClassesTest {

    private static final Set<String> BOUND = JacksonBoundClasses.in(ProjectClasses.compiled());

    @Test
    void customResourcesAndEverythingTheirSpecAndStatusHold() {
        assertThat(BOUND).contains(
                "io/krmsync/configmapsyncer/ConfigMapSyncer",
                "io/krmsync/configmapsyncer/ConfigMapSyncerSpec",
                "io/krmsync/configmapsyncer/ConfigMapSyncerStatus",
                "io/krmsync/configmapsyncer/NamespaceFailure",
                "io/krmsync/krmsyncer/KRMSyncer",
                "io/krmsync/krmsyncer/KRMSyncerSpec",
                "io/krmsync/krmsyncer/KRMSyncerStatus",
                "io/krmsync/krmsyncer/SyncRule",
                "io/krmsync/krmsyncer/RuleStatus",
                "io/krmsync/krmsyncer/Destination",
                "io/krmsync/krmsyncer/Destination$ClusterConfig",
                "io/krmsync/krmsyncer/Destination$KubeConfigSecretRef");
    }

    @Test
    void onlyDataClassesNotTheCodeThatHandlesThem() {
        assertThat(BOUND).noneMatch(name -> name.endsWith("Reconciler"));
    }
}
