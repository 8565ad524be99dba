package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/** Which namespaces' labelled ConfigMaps are propagated, decided without a cluster. */
class PropagationScopeTest {

    private static final Set<String> TRUSTED = Set.of("krm-sync-system", "default");
    private final PropagationScope byDefault = new PropagationScope(TRUSTED::contains,
            PropagationScope.DEFAULT_NAMESPACE_SELECTOR);

    @Test
    void aListedNamespaceIsInScopeWithoutLookingAtItsLabels() {
        assertThat(byDefault.includes("default", () -> {
            throw new AssertionError("the Namespace was looked up");
        })).isTrue();
    }

    @Test
    void anUnlistedNamespaceIsInScopeOnlyWhenItsLabelsMatch() {
        assertThat(byDefault.includes("team-a", namespace("team-a"))).isFalse();
        assertThat(byDefault.includes("team-a", namespace("team-a", "krm-sync.io/propagation", "disabled"))).isFalse();
        assertThat(byDefault.includes("team-a", namespace("team-a", "krm-sync.io/propagation", "enabled"))).isTrue();
    }

    @Test
    void aNamespaceThatDoesNotExistIsInNoScope() {
        assertThat(byDefault.includes("gone", Optional::empty)).isFalse();
    }

    @Test
    void theSettingListsNamesOrEveryNamespace() {
        assertThat(PropagationScope.listing(List.of(" team-a", "team-b ")).test("team-a")).isTrue();
        assertThat(PropagationScope.listing(List.of("team-a", "team-b")).test("team-c")).isFalse();
        assertThat(PropagationScope.listing(List.of("*")).test("anything")).isTrue();
    }

    @Test
    void theSelectorIsAnyKubectlSelector() {
        PropagationScope scope = new PropagationScope(name -> false, "env in (prod,staging),!frozen");

        assertThat(scope.includes("a", namespace("a", "env", "prod"))).isTrue();
        assertThat(scope.includes("b", namespace("b", "env", "prod", "frozen", "yes"))).isFalse();
        assertThat(scope.includes("c", namespace("c", "env", "dev"))).isFalse();
    }

    @Test
    void aBadSelectorIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new PropagationScope(name -> false, "krm-sync.io/propagation in enabled"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("krm-sync.propagation.namespace-selector: ");
    }

    @Test
    void theMessageSaysHowToBringTheNamespaceInScope() {
        assertThat(byDefault.outOfScope("team-a"))
                .startsWith("not propagated: namespace team-a is outside the propagation scope")
                .contains("krm-sync.propagation.namespace-selector krm-sync.io/propagation=enabled")
                .contains("copies made while it was in scope are removed from every provider cluster")
                .contains("`kubectl label namespace team-a krm-sync.io/propagation=enabled`")
                .contains("krm-sync.propagation.namespaces");
        assertThat(new PropagationScope(name -> false, "tier in (a,b)").outOfScope("team-a"))
                .doesNotContain("kubectl").contains("by labelling the namespace to match that selector");
    }

    /** A change of scope is a change of the selector's answer, whatever else changed on the Namespace. */
    @Test
    void onlyTheLabelsTheSelectorReadsDecide() {
        Namespace before = namespace("team-a", "team", "a").get().orElseThrow();
        Namespace relabelled = namespace("team-a", "team", "b").get().orElseThrow();
        Namespace optedIn = namespace("team-a", "team", "a", "krm-sync.io/propagation", "enabled").get().orElseThrow();

        assertThat(byDefault.selects(relabelled)).isEqualTo(byDefault.selects(before));
        assertThat(byDefault.selects(optedIn)).isNotEqualTo(byDefault.selects(before));
    }

    private static Supplier<Optional<Namespace>> namespace(String name, String... labels) {
        Map<String, String> pairs = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            pairs.put(labels[i], labels[i + 1]);
        }
        Namespace namespace = new NamespaceBuilder().withNewMetadata().withName(name).withLabels(pairs).endMetadata()
                .build();
        return () -> Optional.of(namespace);
    }
}
