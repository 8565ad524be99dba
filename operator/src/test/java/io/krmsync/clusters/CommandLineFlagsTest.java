package io.krmsync.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CommandLineFlagsTest {

    @Test
    void theExamplesRunCommandBecomesTheLocalKubeconfigAndTheProviderList() throws Exception {
        Map<String, String> properties = CommandLineFlags.toProperties("-local-kubeconfig", "./cluster1.kubeconfig",
                "-provider-kubeconfigs", "./cluster1.kubeconfig,./cluster2.kubeconfig,./cluster3.kubeconfig");

        assertThat(properties).containsExactly(
                Map.entry("kubeconfig", "./cluster1.kubeconfig"),
                Map.entry("krm-sync.clusters.provider-kubeconfigs",
                        "./cluster1.kubeconfig,./cluster2.kubeconfig,./cluster3.kubeconfig"));
    }

    @Test
    void doubleDashesAndEqualsSignsWorkAsWithGoFlags() throws Exception {
        assertThat(CommandLineFlags.toProperties("--local-kubeconfig=a", "-provider-kubeconfigs=b,c"))
                .containsEntry("kubeconfig", "a").containsEntry("krm-sync.clusters.provider-kubeconfigs", "b,c");
        assertThat(CommandLineFlags.toProperties()).isEmpty();
    }

    @Test
    void unknownFlagsAndMissingValuesAreRefused() {
        assertThatThrownBy(() -> CommandLineFlags.toProperties("-kubeconfig", "x"))
                .isInstanceOf(CommandLineFlags.InvalidFlagException.class).hasMessage("unknown flag -kubeconfig");
        assertThatThrownBy(() -> CommandLineFlags.toProperties("-provider-kubeconfigs"))
                .isInstanceOf(CommandLineFlags.InvalidFlagException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> CommandLineFlags.toProperties("-local-kubeconfig="))
                .isInstanceOf(CommandLineFlags.InvalidFlagException.class).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> CommandLineFlags.toProperties("cluster1.kubeconfig"))
                .isInstanceOf(CommandLineFlags.InvalidFlagException.class).hasMessageContaining("unexpected argument");
        assertThatThrownBy(() -> CommandLineFlags.toProperties("-h")).isInstanceOf(CommandLineFlags.HelpRequestedException.class)
                .hasMessageContaining("-provider-kubeconfigs");
    }
}
