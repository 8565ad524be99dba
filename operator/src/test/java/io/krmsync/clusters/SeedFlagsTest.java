package io.krmsync.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SeedFlagsTest {

    @Test
    void theSeedsRunCommandBecomesTheLocalKubeconfigAndTheProviderList() throws Exception {
        Map<String, String> properties = SeedFlags.toProperties("-local-kubeconfig", "./cluster1.kubeconfig",
                "-provider-kubeconfigs", "./cluster1.kubeconfig,./cluster2.kubeconfig,./cluster3.kubeconfig");

        assertThat(properties).containsExactly(
                Map.entry("kubeconfig", "./cluster1.kubeconfig"),
                Map.entry("krm-sync.clusters.provider-kubeconfigs",
                        "./cluster1.kubeconfig,./cluster2.kubeconfig,./cluster3.kubeconfig"));
    }

    @Test
    void doubleDashesAndEqualsSignsWorkAsWithGoFlags() throws Exception {
        assertThat(SeedFlags.toProperties("--local-kubeconfig=a", "-provider-kubeconfigs=b,c"))
                .containsEntry("kubeconfig", "a").containsEntry("krm-sync.clusters.provider-kubeconfigs", "b,c");
        assertThat(SeedFlags.toProperties()).isEmpty();
    }

    @Test
    void unknownFlagsAndMissingValuesAreRefused() {
        assertThatThrownBy(() -> SeedFlags.toProperties("-kubeconfig", "x"))
                .isInstanceOf(SeedFlags.InvalidFlagException.class).hasMessage("unknown flag -kubeconfig");
        assertThatThrownBy(() -> SeedFlags.toProperties("-provider-kubeconfigs"))
                .isInstanceOf(SeedFlags.InvalidFlagException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SeedFlags.toProperties("-local-kubeconfig="))
                .isInstanceOf(SeedFlags.InvalidFlagException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SeedFlags.toProperties("cluster1.kubeconfig"))
                .isInstanceOf(SeedFlags.InvalidFlagException.class).hasMessageContaining("unexpected argument");
        assertThatThrownBy(() -> SeedFlags.toProperties("-h")).isInstanceOf(SeedFlags.HelpRequestedException.class)
                .hasMessageContaining("-provider-kubeconfigs");
    }
}
