package io.krmsync.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.krmsync.leadership.LeaderElectionConfig;
import io.smallrye.config.WithDefault;

/**
 * Least privilege in the generated RBAC: no wildcard anywhere, only roles defined in the bundle are bound, and the
 * operator's ServiceAccount is granted every access the code needs. {@link #NEEDED} is maintained by hand: a new
 * client call on a new kind (or a new verb) goes here and into an {@code @RBACRule} on the reconciler that makes it.
 */
class InstallBundleRbacIT {

    /** "group/resource" (core group: "") to the verbs the code uses, with where it uses them. */
    static final Map<String, Set<String>> NEEDED = Map.ofEntries(
            // ConfigMapSyncerReconciler: informers on sources and copies, cleanup list; CopyEngine create/update/delete.
            // PropagationReconciler: labelled sources (primary informer, SourceDeletions, the sweep's list).
            Map.entry("/configmaps", Set.of("get", "list", "watch", "create", "update", "delete")),
            // ConfigMapSyncer as for ConfigMaps; KubeconfigSecretSource: cluster kubeconfig Secrets (list, watch).
            Map.entry("/secrets", Set.of("get", "list", "watch", "create", "update", "delete")),
            // ConfigMapSyncerReconciler and PropagationReconciler (its scope): namespace informers, and get on a
            // namespace the informer has not seen yet; ClusterIdentity: get kube-system (the local cluster's UID).
            Map.entry("/namespaces", Set.of("get", "list", "watch")),
            // EventRecorder: core v1 Events on syncers, on propagated ConfigMaps and on refused kubeconfig Secrets.
            Map.entry("/events", Set.of("create")),
            // The operator SDK: primary informer, finalizer add/remove (update or patch without server-side apply).
            Map.entry("config.example.com/configmapsyncers", Set.of("get", "list", "watch", "update", "patch")),
            // Status written by the SDK (UpdateControl.patchStatus).
            Map.entry("config.example.com/configmapsyncers/status", Set.of("update", "patch")),
            // Needed where the OwnerReferencesPermissionEnforcement admission plugin checks ownerReferences.
            Map.entry("config.example.com/configmapsyncers/finalizers", Set.of("update")),
            // KRMSyncerReconciler, as for ConfigMapSyncer; its kubeconfig Secrets are read with the Secret rights above.
            Map.entry("syncer.gkelabs.io/krmsyncers", Set.of("get", "list", "watch", "update", "patch")),
            Map.entry("syncer.gkelabs.io/krmsyncers/status", Set.of("update", "patch")),
            Map.entry("syncer.gkelabs.io/krmsyncers/finalizers", Set.of("update")),
            // SourceWatches: the kinds of the upstream KRMSyncer examples (ClusterRole krm-sync-krmsyncer-sources, by aggregation).
            Map.entry("networking.k8s.io/ingresses", Set.of("get", "list", "watch")),
            // tenancy.Impersonation: reviews of what a syncer's ServiceAccount reads, impersonation for its writes.
            Map.entry("authorization.k8s.io/subjectaccessreviews", Set.of("create")),
            Map.entry("/serviceaccounts", Set.of("impersonate")));

    /** Labels by which a ClusterRole adds its rules to the built-in user-facing roles (admin, edit, view). */
    private static final String AGGREGATE_TO = "rbac.authorization.k8s.io/aggregate-to-";
    private static final String EDITOR = "krm-sync-syncer-editor";
    private static final String VIEWER = "krm-sync-syncer-viewer";

    private static List<HasMetadata> resources;

    @BeforeAll
    static void read() {
        resources = Manifests.resources(Manifests.generatedManifest());
    }

    @Test
    void noWildcardInAnyRule() {
        List<PolicyRule> rules = allRules();
        assertThat(rules).as("RBAC rules in the bundle").isNotEmpty();
        for (PolicyRule rule : rules) {
            List<String> fields = new ArrayList<>();
            fields.addAll(rule.getApiGroups());
            fields.addAll(rule.getResources());
            fields.addAll(rule.getVerbs());
            fields.addAll(rule.getResourceNames());
            fields.addAll(rule.getNonResourceURLs());
            assertThat(fields).as("rule %s", rule).noneMatch(value -> value.contains("*"));
        }
    }

    @Test
    void onlyRolesOfTheBundleAreBoundToTheOperator() {
        Set<String> clusterRoles = names(Manifests.ofType(resources, ClusterRole.class));
        Set<String> roles = names(Manifests.ofType(resources, Role.class));
        for (ClusterRoleBinding binding : Manifests.ofType(resources, ClusterRoleBinding.class)) {
            assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(clusterRoles).as("roleRef of %s (no built-in role such as view)", binding.getMetadata().getName())
                    .contains(binding.getRoleRef().getName());
            assertOnlyTheOperator(binding.getMetadata().getName(), binding.getSubjects());
        }
        for (RoleBinding binding : Manifests.ofType(resources, RoleBinding.class)) {
            RoleRef ref = binding.getRoleRef();
            assertThat(ref.getKind().equals("Role") ? roles : clusterRoles)
                    .as("roleRef of %s (no built-in role such as view)", binding.getMetadata().getName())
                    .contains(ref.getName());
            assertOnlyTheOperator(binding.getMetadata().getName(), binding.getSubjects());
        }
    }

    @Test
    void noClusterRoleIsLeftUnbound() {
        Set<String> bound = Manifests.ofType(resources, ClusterRoleBinding.class).stream()
                .map(b -> b.getRoleRef().getName()).collect(Collectors.toSet());
        bound.addAll(Manifests.ofType(resources, RoleBinding.class).stream()
                .map(b -> b.getRoleRef().getName()).toList());
        Set<String> aggregated = Manifests.ofType(resources, ClusterRole.class).stream()
                .filter(role -> bound.contains(role.getMetadata().getName()))
                .flatMap(role -> aggregatedInto(role).stream()).map(role -> role.getMetadata().getName())
                .collect(Collectors.toSet());
        bound.addAll(aggregated);
        bound.addAll(names(aggregatedIntoBuiltInRoles()));
        assertThat(bound).containsAll(names(Manifests.ofType(resources, ClusterRole.class)));
    }

    /**
     * The roles for people: whoever has edit or admin in a namespace manages its syncers, whoever has view reads them;
     * nobody but the operator writes their status, and nothing else is added to the built-in roles.
     */
    @Test
    void syncerEditorAndViewerAggregateIntoTheBuiltInRolesWithExactlyTheirRules() {
        Map<String, ClusterRole> userRoles = aggregatedIntoBuiltInRoles().stream()
                .collect(Collectors.toMap(role -> role.getMetadata().getName(), role -> role));
        assertThat(userRoles).containsOnlyKeys(EDITOR, VIEWER);
        assertThat(userRoles.get(EDITOR).getMetadata().getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
                AGGREGATE_TO + "edit", "true", AGGREGATE_TO + "admin", "true"));
        assertThat(userRoles.get(VIEWER).getMetadata().getLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of(AGGREGATE_TO + "view", "true"));

        Set<String> manage = Set.of("create", "update", "patch", "delete", "get", "list", "watch");
        Set<String> read = Set.of("get", "list", "watch");
        assertThat(grants(userRoles.get(EDITOR))).containsExactlyInAnyOrderElementsOf(Stream.concat(
                grants(manage, "config.example.com/configmapsyncers", "syncer.gkelabs.io/krmsyncers"),
                grants(Set.of("get"), "config.example.com/configmapsyncers/status",
                        "syncer.gkelabs.io/krmsyncers/status")).toList());
        assertThat(grants(userRoles.get(VIEWER))).containsExactlyInAnyOrderElementsOf(grants(read,
                "config.example.com/configmapsyncers", "config.example.com/configmapsyncers/status",
                "syncer.gkelabs.io/krmsyncers", "syncer.gkelabs.io/krmsyncers/status").toList());
        assertThat(userRoles.values()).flatExtracting(InstallBundleRbacIT::grants)
                .as("no write on status or finalizers: those are the operator's")
                .noneMatch(grant -> grant.matches(".*/(status|finalizers) (?!get|list|watch).*"));
        assertThat(Manifests.ofType(resources, ClusterRoleBinding.class)).extracting(b -> b.getRoleRef().getName())
                .as("granting them is the cluster admin's choice").doesNotContain(EDITOR, VIEWER);
    }

    @Test
    void theOperatorIsGrantedEveryAccessTheCodeNeeds() {
        List<PolicyRule> granted = boundClusterWideRules();
        NEEDED.forEach((groupResource, verbs) -> {
            String group = groupResource.substring(0, groupResource.indexOf('/'));
            String resource = groupResource.substring(groupResource.indexOf('/') + 1);
            Set<String> grantedVerbs = granted.stream()
                    .filter(rule -> rule.getApiGroups().contains(group) && rule.getResources().contains(resource))
                    .filter(rule -> rule.getResourceNames().isEmpty())
                    .flatMap(rule -> rule.getVerbs().stream())
                    .collect(Collectors.toSet());
            assertThat(grantedVerbs).as("verbs granted cluster-wide on %s", groupResource).containsAll(verbs);
        });
    }

    /**
     * Impersonation lets the operator act as whoever it may impersonate: ServiceAccounts only, never users, groups,
     * user extras or UIDs (a syncer's spec names a ServiceAccount; the API server adds its groups itself), and no other
     * verb on ServiceAccounts (no tokens, no reading them).
     */
    @Test
    void impersonationIsGrantedOnServiceAccountsOnly() {
        List<PolicyRule> impersonating = allRules().stream().filter(rule -> rule.getVerbs().contains("impersonate"))
                .toList();
        assertThat(impersonating).as("rules granting impersonate").isNotEmpty().allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("serviceaccounts");
            assertThat(rule.getVerbs()).containsExactly("impersonate");
        });
        assertThat(allRules()).as("rules on ServiceAccounts")
                .filteredOn(rule -> rule.getResources().stream().anyMatch(r -> r.startsWith("serviceaccounts")))
                .allSatisfy(rule -> assertThat(rule.getVerbs()).containsExactly("impersonate"));
        assertThat(allRules()).as("rules on SubjectAccessReviews")
                .filteredOn(rule -> rule.getResources().contains("subjectaccessreviews"))
                .allSatisfy(rule -> assertThat(rule.getVerbs()).containsExactly("create"));
    }

    /**
     * Leader election (io.krmsync.leadership): get, create, update (checked by the SDK at start) and patch (fabric8's
     * renewal) on the default Lease, in the operator's namespace only; never a Lease anywhere else.
     */
    @Test
    void theLeaderElectionLeaseIsGrantedInTheOperatorsNamespaceOnly() throws NoSuchMethodException {
        String leaseName = LeaderElectionConfig.class.getMethod("leaseName").getAnnotation(WithDefault.class).value();
        Set<String> boundRoles = Manifests.ofType(resources, RoleBinding.class).stream()
                .filter(binding -> Manifests.NAMESPACE.equals(binding.getMetadata().getNamespace()))
                .filter(binding -> binding.getSubjects().stream().anyMatch(InstallBundleRbacIT::isTheOperator))
                .map(binding -> binding.getRoleRef().getName())
                .collect(Collectors.toSet());
        List<PolicyRule> leaseRules = Manifests.ofType(resources, Role.class).stream()
                .filter(role -> Manifests.NAMESPACE.equals(role.getMetadata().getNamespace()))
                .filter(role -> boundRoles.contains(role.getMetadata().getName()))
                .flatMap(role -> role.getRules().stream())
                .filter(rule -> rule.getApiGroups().contains("coordination.k8s.io")
                        && rule.getResources().contains("leases"))
                .toList();
        Set<String> verbsOnTheLease = leaseRules.stream()
                .filter(rule -> rule.getResourceNames().isEmpty() || rule.getResourceNames().contains(leaseName))
                .flatMap(rule -> rule.getVerbs().stream()).collect(Collectors.toSet());
        assertThat(verbsOnTheLease).as("verbs on Lease %s/%s", Manifests.NAMESPACE, leaseName)
                .containsExactlyInAnyOrder("get", "create", "update", "patch");
        assertThat(leaseRules).as("only create is granted on any Lease name")
                .filteredOn(rule -> rule.getResourceNames().isEmpty())
                .allMatch(rule -> rule.getVerbs().equals(List.of("create")));
        assertThat(allRulesOf(Manifests.ofType(resources, ClusterRole.class)))
                .as("no ClusterRole grants Leases: leader election stays in the operator's namespace")
                .noneMatch(rule -> rule.getResources().contains("leases"));
    }

    /** Rules of the ClusterRoles bound to the operator's ServiceAccount by a ClusterRoleBinding. */
    private static List<PolicyRule> boundClusterWideRules() {
        Set<String> bound = Manifests.ofType(resources, ClusterRoleBinding.class).stream()
                .filter(b -> b.getSubjects().stream().anyMatch(InstallBundleRbacIT::isTheOperator))
                .map(b -> b.getRoleRef().getName())
                .collect(Collectors.toSet());
        return Manifests.ofType(resources, ClusterRole.class).stream()
                .filter(role -> bound.contains(role.getMetadata().getName()))
                .flatMap(role -> Stream.concat(Stream.of(role), aggregatedInto(role).stream()))
                .flatMap(role -> role.getRules().stream())
                .toList();
    }

    /** The bundle's ClusterRoles whose labels match the aggregation rule of {@code role}, as the API server merges them. */
    private static List<ClusterRole> aggregatedInto(ClusterRole role) {
        if (role.getAggregationRule() == null) {
            return List.of();
        }
        return Manifests.ofType(resources, ClusterRole.class).stream()
                .filter(other -> other != role && role.getAggregationRule().getClusterRoleSelectors().stream()
                        .anyMatch(selector -> other.getMetadata().getLabels() != null && other.getMetadata().getLabels()
                                .entrySet().containsAll(selector.getMatchLabels().entrySet())))
                .toList();
    }

    /** The bundle's ClusterRoles that add their rules to a built-in role, which the cluster binds to people. */
    private static List<ClusterRole> aggregatedIntoBuiltInRoles() {
        return Manifests.ofType(resources, ClusterRole.class).stream()
                .filter(role -> role.getMetadata().getLabels() != null && role.getMetadata().getLabels().keySet()
                        .stream().anyMatch(label -> label.startsWith(AGGREGATE_TO)))
                .toList();
    }

    /** Each rule of the role as "group/resource verb" lines (core group: ""). */
    private static List<String> grants(ClusterRole role) {
        return role.getRules().stream().flatMap(rule -> rule.getApiGroups().stream()
                .flatMap(group -> rule.getResources().stream()
                        .flatMap(resource -> rule.getVerbs().stream().map(verb -> group + "/" + resource + " " + verb))))
                .toList();
    }

    private static Stream<String> grants(Set<String> verbs, String... groupResources) {
        return Stream.of(groupResources).flatMap(groupResource -> verbs.stream().map(verb -> groupResource + " " + verb));
    }

    private static List<PolicyRule> allRulesOf(List<ClusterRole> roles) {
        return roles.stream().flatMap(role -> role.getRules().stream()).toList();
    }

    private static List<PolicyRule> allRules() {
        List<PolicyRule> rules = new ArrayList<>();
        Manifests.ofType(resources, ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        Manifests.ofType(resources, Role.class).forEach(r -> rules.addAll(r.getRules()));
        return rules;
    }

    private static void assertOnlyTheOperator(String binding, List<Subject> subjects) {
        assertThat(subjects).as("subjects of %s", binding).isNotEmpty().allMatch(InstallBundleRbacIT::isTheOperator);
    }

    private static boolean isTheOperator(Subject subject) {
        return "ServiceAccount".equals(subject.getKind()) && Manifests.NAME.equals(subject.getName())
                && Manifests.NAMESPACE.equals(subject.getNamespace());
    }

    private static Set<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toSet());
    }
}
