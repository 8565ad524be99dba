package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.krmsync.krmsyncer.SourceWatches.WatchKey;
import io.krmsync.status.Reason;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Consent;

/** Where a KRMSyncer's rules read, and what of it they sync, for a trusted KRMSyncer and a tenant's. */
class SourceScopeTest {

    private static final Authority TRUSTED = new Authority("krm-sync-system", true, Optional.empty());
    private static final Authority TEAM_A = new Authority("team-a", false, Optional.empty());
    private static final RuleKind SECRETS = new RuleKind(new GroupVersionKind("", "v1", "Secret"), "secrets", true,
            false);
    private static final RuleKind CLUSTER_ROLES = new RuleKind(
            new GroupVersionKind("rbac.authorization.k8s.io", "v1", "ClusterRole"), "clusterroles", false, false);

    @Test
    void aRuleNamingNoNamespaceReadsEveryNamespaceForATrustedSyncerAndItsOwnForATenant() throws RuleFailure {
        assertThat(SourceScope.of(TRUSTED, SECRETS, List.of(rule())).watchKeys())
                .containsExactly(new WatchKey(SECRETS, null));
        assertThat(SourceScope.of(TEAM_A, SECRETS, List.of(rule())).watchKeys())
                .containsExactly(new WatchKey(SECRETS, "team-a"));
        assertThat(SourceScope.of(TEAM_A, SECRETS, List.of(rule(" ", ""))).watchKeys())
                .as("a blank name is no name, not every namespace").containsExactly(new WatchKey(SECRETS, "team-a"));
    }

    @Test
    void aRuleNamingNamespacesReadsThoseAlone() throws RuleFailure {
        assertThat(SourceScope.of(TEAM_A, SECRETS, List.of(rule("team-b"), rule("team-a", "team-b"))).watchKeys())
                .containsExactlyInAnyOrder(new WatchKey(SECRETS, "team-a"), new WatchKey(SECRETS, "team-b"));
        assertThat(SourceScope.of(TEAM_A, SECRETS, List.of(rule("team-b"), rule())).watchKeys())
                .containsExactlyInAnyOrder(new WatchKey(SECRETS, "team-a"), new WatchKey(SECRETS, "team-b"));
        assertThat(SourceScope.of(TRUSTED, SECRETS, List.of(rule("team-b"), rule())).watchKeys())
                .as("one rule naming none reads every namespace, as before tenancy")
                .containsExactly(new WatchKey(SECRETS, null));
    }

    @Test
    void aTenantSyncsWhatItsOwnNamespaceHoldsAndWhatOthersShareWithIt() throws RuleFailure {
        GenericKubernetesResource own = secret("team-a", "db", Map.of());
        GenericKubernetesResource sharedWithUs = secret("team-b", "ca", Map.of(Consent.SHARE_WITH, "team-c, team-a"));
        GenericKubernetesResource sharedWithAll = secret("team-b", "logo", Map.of(Consent.SHARE_WITH, "*"));
        GenericKubernetesResource sharedWithOthers = secret("team-b", "key", Map.of(Consent.SHARE_WITH, "team-c"));
        GenericKubernetesResource unshared = secret("kube-system", "token", Map.of());
        List<GenericKubernetesResource> objects = List.of(own, sharedWithUs, sharedWithAll, sharedWithOthers, unshared);

        SourceScope.Sources sources = SourceScope.of(TEAM_A, SECRETS, List.of(rule("team-a", "team-b"))).sort(objects);

        assertThat(sources.readable()).containsExactly(own, sharedWithUs, sharedWithAll);
        assertThat(sources.notShared()).get().extracting(SourceScope.NotShared::count).isEqualTo(2);
        assertThat(SourceScope.of(TRUSTED, SECRETS, List.of(rule())).sort(objects))
                .isEqualTo(new SourceScope.Sources(objects, Optional.empty()));
    }

    @Test
    void objectsNotSharedAreCountedAsFailedWithWhereTheyAreButNeverTheirNames() throws RuleFailure {
        List<GenericKubernetesResource> objects = List.of(secret("team-b", "key", Map.of()),
                secret("kube-system", "token", Map.of()), secret("team-b", "cert", Map.of(Consent.SHARE_WITH, "")));
        RuleStatus status = new RuleStatus(SECRETS.gvk());
        status.setFailed(1);

        SourceScope.of(TEAM_A, SECRETS, List.of(rule("team-b", "kube-system"))).sort(objects).notShared().orElseThrow()
                .reportIn(status);

        assertThat(status.getFailed()).isEqualTo(4);
        assertThat(status.getReason()).isEqualTo(Reason.SourceNotShared.name());
        assertThat(status.getLastError()).isEqualTo("3 objects in kube-system (1), team-b (2) are not shared with"
                + " namespace team-a: not synced, and copies made while shared are deleted. An object's owner shares it"
                + " by annotating it krm-sync.io/share-with: team-a");
    }

    @Test
    void theMessageNamesAFewNamespacesAndCountsTheRest() throws RuleFailure {
        List<GenericKubernetesResource> objects = IntStream.range(0, 500)
                .mapToObj(i -> secret("ns-" + (100 + i % 50), "s" + i, Map.of())).toList();

        SourceScope.NotShared notShared = SourceScope.of(TEAM_A, SECRETS, List.of(rule("ns-100"))).sort(objects)
                .notShared().orElseThrow();

        assertThat(notShared.count()).isEqualTo(500);
        assertThat(SourceScope.of(TEAM_A, SECRETS, List.of(rule("ns-100"))).sort(objects.subList(0, 1)).notShared()
                .orElseThrow().message()).startsWith("1 object in ns-100 (1) is not shared with namespace team-a:");
        assertThat(notShared.message()).startsWith("500 objects in ns-100 (10), ns-101 (10), ns-102 (10) and 47 more"
                + " namespaces are not shared with namespace team-a:").doesNotContain("s1");
    }

    @Test
    void aTenantMayNotSyncAClusterScopedKind() {
        assertThatThrownBy(() -> SourceScope.of(TEAM_A, CLUSTER_ROLES, List.of(rule())))
                .isInstanceOfSatisfying(RuleFailure.class, failure -> {
                    assertThat(failure.reason()).isEqualTo(Reason.ClusterScopedKindNotAllowed);
                    assertThat(failure.getMessage()).isEqualTo("ClusterRole is cluster-scoped: a KRMSyncer in"
                            + " namespace team-a, which is not a trusted namespace, syncs namespaced kinds only; sync"
                            + " it from a KRMSyncer in a trusted namespace");
                });
    }

    @Test
    void aTrustedSyncerReadsClusterScopedKindsWhateverTheNamespaces() throws RuleFailure {
        assertThat(SourceScope.of(TRUSTED, CLUSTER_ROLES, List.of(rule("team-b"))).watchKeys())
                .containsExactly(new WatchKey(CLUSTER_ROLES, null));
    }

    private static SyncRule rule(String... namespaces) {
        return new SyncRule("", "v1", "Secret", List.of(namespaces));
    }

    private static GenericKubernetesResource secret(String namespace, String name, Map<String, String> annotations) {
        return new GenericKubernetesResourceBuilder().withApiVersion("v1").withKind("Secret").withNewMetadata()
                .withNamespace(namespace).withName(name).withAnnotations(annotations).endMetadata().build();
    }
}
