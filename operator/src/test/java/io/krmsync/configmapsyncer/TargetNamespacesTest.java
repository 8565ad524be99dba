package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.krmsync.configmapsyncer.TargetNamespaces.State;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Consent;

class TargetNamespacesTest {

    private static final Authority TRUSTED = new Authority("krm-sync-system", true, Optional.empty());
    private static final Authority TEAM_A = new Authority("team-a", false, Optional.empty());

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

    private static Namespace accepting(String name, String acceptFrom, Map<String, String> labels) {
        return new NamespaceBuilder(namespace(name, labels)).editMetadata()
                .addToAnnotations(Consent.ACCEPT_FROM, acceptFrom).endMetadata().build();
    }

    private static SortedMap<String, State> trustedTargets(ConfigMapSyncerSpec spec, List<Namespace> namespaces) {
        return TargetNamespaces.resolve(spec, namespaces, TRUSTED).byName();
    }

    private static final List<Namespace> CLUSTER = List.of(
            namespace("default", Map.of("env", "prod")),
            namespace("payments", Map.of("env", "prod")),
            namespace("billing", Map.of("env", "prod")),
            namespace("dev", Map.of("env", "dev")),
            namespace("staging", Map.of()));

    @Test
    void namedNamespacesAreTargets() {
        assertThat(trustedTargets(spec(List.of("dev", "staging"), null), CLUSTER))
                .containsExactly(entry("dev", State.ACTIVE), entry("staging", State.ACTIVE));
    }

    @Test
    void selectedNamespacesAreTargets() {
        assertThat(trustedTargets(spec(List.of(), Map.of("env", "prod")), CLUSTER))
                .containsOnlyKeys("billing", "payments");
    }

    @Test
    void targetsAreTheUnionOfNamedAndSelectedNamespaces() {
        assertThat(trustedTargets(spec(List.of("dev", "payments"), Map.of("env", "prod")), CLUSTER))
                .containsOnlyKeys("billing", "dev", "payments");
    }

    @Test
    void sourceNamespaceIsNeverATargetEvenWhenSelected() {
        assertThat(trustedTargets(spec(List.of(), Map.of("env", "prod")), CLUSTER))
                .doesNotContainKey("default");
    }

    @Test
    void sourceNamespaceIsNeverATargetEvenWhenNamed() {
        assertThat(trustedTargets(spec(List.of("default", "dev"), null), CLUSTER))
                .containsOnlyKeys("dev");
    }

    @Test
    void emptySelectorSelectsEveryNamespaceButTheSource() {
        ConfigMapSyncerSpec spec = spec(List.of(), null);
        spec.setNamespaceSelector(new LabelSelectorBuilder().build());

        assertThat(trustedTargets(spec, CLUSTER)).containsOnlyKeys("billing", "dev", "payments", "staging");
    }

    @Test
    void namedNamespaceThatDoesNotExistIsMissing() {
        assertThat(trustedTargets(spec(List.of("dev", "qa"), null), CLUSTER))
                .containsEntry("qa", State.MISSING)
                .containsEntry("dev", State.ACTIVE);
    }

    @Test
    void namespaceWithDeletionTimestampIsTerminating() {
        Namespace deleting = new NamespaceBuilder().withNewMetadata().withName("qa")
                .withDeletionTimestamp("2024-05-01T10:00:00Z").endMetadata()
                .withNewStatus().withPhase("Active").endStatus().build();

        assertThat(trustedTargets(spec(List.of("qa"), null), List.of(deleting)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void namespaceInPhaseTerminatingIsTerminating() {
        Namespace terminating = new NamespaceBuilder().withNewMetadata().withName("qa").endMetadata()
                .withNewStatus().withPhase("Terminating").endStatus().build();

        assertThat(trustedTargets(spec(List.of("qa"), null), List.of(terminating)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void selectedTerminatingNamespaceIsTerminating() {
        Namespace terminating = new NamespaceBuilder().withNewMetadata().withName("qa")
                .withLabels(Map.of("env", "prod")).endMetadata()
                .withNewStatus().withPhase("Terminating").endStatus().build();

        assertThat(trustedTargets(spec(List.of(), Map.of("env", "prod")), List.of(terminating)))
                .containsExactly(entry("qa", State.TERMINATING));
    }

    @Test
    void namespaceWithoutStatusIsActive() {
        Namespace fresh = new NamespaceBuilder().withNewMetadata().withName("qa").endMetadata().build();

        assertThat(trustedTargets(spec(List.of("qa"), null), List.of(fresh)))
                .containsExactly(entry("qa", State.ACTIVE));
    }

    @Test
    void resultIsSortedByName() {
        assertThat(trustedTargets(spec(List.of("staging", "zeta", "dev"), Map.of("env", "prod")), CLUSTER)
                .keySet()).containsExactly("billing", "dev", "payments", "staging", "zeta");
    }

    @Test
    void nullTargetNamespacesAreNoTargets() {
        assertThat(trustedTargets(spec(null, Map.of("env", "dev")), CLUSTER)).containsOnlyKeys("dev");
    }

    /** A shared cluster as team-a sees it: its own namespace, two that accept it, and others that do not. */
    private static final List<Namespace> SHARED = List.of(
            namespace("default", Map.of("env", "prod")),
            namespace("kube-system", Map.of()),
            namespace("team-a", Map.of("env", "prod")),
            accepting("team-b", "team-a", Map.of("env", "prod")),
            accepting("common", "*", Map.of()),
            accepting("team-c", "team-x, team-y", Map.of("env", "prod")));

    @Test
    void aTenantsNamedTargetThatDoesNotAcceptIsReportedAndKeepsNoCopy() {
        TargetNamespaces targets = TargetNamespaces.resolve(
                spec(List.of("kube-system", "team-c", "team-b", "common", "team-a", "qa"), null), SHARED, TEAM_A);

        assertThat(targets.byName()).containsExactly(entry("common", State.ACTIVE),
                entry("kube-system", State.NOT_ACCEPTING), entry("qa", State.MISSING), entry("team-a", State.ACTIVE),
                entry("team-b", State.ACTIVE), entry("team-c", State.NOT_ACCEPTING));
        assertThat(targets.leftOut()).as("named targets are reported one by one, not left out").isZero();
        assertThat(targets.targeted()).isEqualTo(6);
        assertThat(targets.keepCopyIn("team-b")).isTrue();
        assertThat(targets.keepCopyIn("kube-system")).isFalse();
        assertThat(targets.keepCopyIn("staging")).as("not a target").isFalse();
    }

    @Test
    void aTenantsEmptySelectorSelectsItsOwnNamespaceAndThoseAcceptingIt() {
        ConfigMapSyncerSpec spec = spec(List.of(), null);
        spec.setNamespaceSelector(new LabelSelectorBuilder().build());

        TargetNamespaces targets = TargetNamespaces.resolve(spec, SHARED, TEAM_A);

        assertThat(targets.byName()).containsOnlyKeys("common", "team-a", "team-b");
        assertThat(targets.leftOut()).as("kube-system and team-c; the source namespace is no target anyway")
                .isEqualTo(2);
    }

    @Test
    void aTenantsSelectorLeavesOutWhatDoesNotAcceptButANamedOneIsReported() {
        TargetNamespaces targets = TargetNamespaces.resolve(spec(List.of("team-c"), Map.of("env", "prod")), SHARED,
                TEAM_A);

        assertThat(targets.byName()).containsExactly(entry("team-a", State.ACTIVE), entry("team-b", State.ACTIVE),
                entry("team-c", State.NOT_ACCEPTING));
        assertThat(targets.leftOut()).isZero();
    }

    @Test
    void aTrustedSyncerWritesWhereverItIsToldAndLeavesNothingOut() {
        ConfigMapSyncerSpec spec = spec(List.of("kube-system"), null);
        spec.setNamespaceSelector(new LabelSelectorBuilder().build());

        TargetNamespaces targets = TargetNamespaces.resolve(spec, SHARED, TRUSTED);

        assertThat(targets.byName()).containsOnlyKeys("common", "kube-system", "team-a", "team-b", "team-c")
                .allSatisfy((name, state) -> assertThat(state).isEqualTo(State.ACTIVE));
        assertThat(targets.leftOut()).isZero();
    }
}
