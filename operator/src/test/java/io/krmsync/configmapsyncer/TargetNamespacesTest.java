package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.krmsync.configmapsyncer.TargetNamespaces.State;

class TargetNamespacesTest {

    private static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewStatus().withPhase("Active").endStatus().build();
    }

    private static ConfigMapSyncerSpec spec(List<String> targets, Map<String, String> selectorLabels) {
        ConfigMapSyncerSpec spec = new ConfigMapSyncerSpec();
        spec.setSourceNamespace("default");
        spec.setSourceConfigMap("app-config");
        spec.setTargetNamespaces(targets);
        if (selectorLabels != null) {
            spec.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(selectorLabels).build());
        }
        return spec;
    }

    private static final List<Namespace> CLUSTER = List.of(
            namespace("default", Map.of("env", "prod")),
            namespace("payments", Map.of("env", "prod")),
            namespace("billing", Map.of("env", "prod")),
            namespace("dev", Map.of("env", "dev")),
            namespace("staging", Map.of()));

    @Test
    void namedNamespacesAreTargets() {
        assertThat(TargetNamespaces.resolve(spec(List.of("dev", "staging"), null), CLUSTER))
                .containsExactly(entry("dev", State.ACTIVE), entry("staging", State.ACTIVE));
    }

    @Test
    void selectedNamespacesAreTargets() {
        assertThat(TargetNamespaces.resolve(spec(List.of(), Map.of("env", "prod")), CLUSTER))
                .containsOnlyKeys("billing", "payments");
    }

    @Test
    void targetsAreTheUnionOfNamedAndSelectedNamespaces() {
        assertThat(TargetNamespaces.resolve(spec(List.of("dev", "payments"), Map.of("env", "prod")), CLUSTER))
                .containsOnlyKeys("billing", "dev", "payments");
    }

    @Test
    void sourceNamespaceIsNeverATargetEvenWhenSelected() {
        assertThat(TargetNamespaces.resolve(spec(List.of(), Map.of("env", "prod")), CLUSTER))
                .doesNotContainKey("default");
    }

    @Test
    void sourceNamespaceIsNeverATargetEvenWhenNamed() {
        assertThat(TargetNamespaces.resolve(spec(List.of("default", "dev"), null), CLUSTER))
                .containsOnlyKeys("dev");
    }

    @Test
    void emptySelectorSelectsEveryNamespaceButTheSource() {
        ConfigMapSyncerSpec spec = spec(List.of(), null);
        spec.setNamespaceSelector(new LabelSelectorBuilder().build());

        assertThat(TargetNamespaces.resolve(spec, CLUSTER)).containsOnlyKeys("billing", "dev", "payments", "staging");
    }

    @Test
    void namedNamespaceThatDoesNotExistIsMissing() {
        assertThat(TargetNamespaces.resolve(spec(List.of("dev", "qa"), null), CLUSTER))
                .containsEntry("qa", State.MISSING)
                .containsEntry("dev", State.ACTIVE);
    }

    @Test
    void namespaceWithDeletionTimestampIsTerminating() {
        Namespace deleting = new NamespaceBuilder().withNewMetadata().withName("qa")
                .withDeletionTimestamp("2024-05-01T10:00:00Z").endMetadata()
                .withNewStatus().withPhase("Active").endStatus().build();

        assertThat(TargetNamespaces.resolve(spec(List.of("qa"), null), List.of(deleting)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void namespaceInPhaseTerminatingIsTerminating() {
        Namespace terminating = new NamespaceBuilder().withNewMetadata().withName("qa").endMetadata()
                .withNewStatus().withPhase("Terminating").endStatus().build();

        assertThat(TargetNamespaces.resolve(spec(List.of("qa"), null), List.of(terminating)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void selectedTerminatingNamespaceIsTerminating() {
        Namespace terminating = new NamespaceBuilder().withNewMetadata().withName("qa")
                .withLabels(Map.of("env", "prod")).endMetadata()
                .withNewStatus().withPhase("Terminating").endStatus().build();

        assertThat(TargetNamespaces.resolve(spec(List.of(), Map.of("env", "prod")), List.of(terminating)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void namespaceWithoutStatusIsActive() {
        Namespace fresh = new NamespaceBuilder().withNewMetadata().withName("qa").endMetadata().build();

        assertThat(TargetNamespaces.resolve(spec(List.of("qa"), null), List.of(fresh)))
                .containsExactly(entry("qa", State.ACTIVE));
    }

    @Test
    void resultIsSortedByName() {
        assertThat(TargetNamespaces.resolve(spec(List.of("staging", "zeta", "dev"), Map.of("env", "prod")), CLUSTER)
                .keySet()).containsExactly("billing", "dev", "payments", "staging", "zeta");
    }

    @Test
    void nullTargetNamespacesAreNoTargets() {
        assertThat(TargetNamespaces.resolve(spec(null, Map.of("env", "dev")), CLUSTER)).containsOnlyKeys("dev");
    }
}
