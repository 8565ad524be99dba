package io.krmsync.krmsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.krmsync.tenancy.Consent;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Tenants;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * A KRMSyncer outside the trusted namespaces (each test's own namespace is a tenant's) reads only its own namespace and
 * what other namespaces' owners share with it, and no cluster-scoped kind; one in a trusted namespace reads everything,
 * as before tenancy. cluster1 is the local cluster; every KRMSyncer here pushes to cluster2.
 */
@QuarkusTest
@TestProfile(Tenants.class)
class KRMSyncerTenancyTest extends OperatorTest {

    private static final String DESTINATION = "cluster2";
    private static final String KUBECONFIG_SECRET = "cluster2-kubeconfig";

    @Inject
    KRMSyncerReconciler reconciler;

    /** kubectl create secret generic cluster2-kubeconfig --from-file=kubeconfig=cluster2.kubeconfig */
    @BeforeEach
    void destinationKubeconfig() {
        kubectl().applySecret(namespace, KUBECONFIG_SECRET, "kubeconfig", clusters.kubeconfigContent(DESTINATION));
    }

    /** Issue 12: rules naming no namespace used to read every namespace of the cluster, kube-system's Secrets too. */
    @Test
    void aTenantsRulesNamingNoNamespaceReadItsOwnNamespaceOnly() throws ReflectiveOperationException {
        String kubeSystem = "kube-system";
        if (!kubectl().hasNamespace(kubeSystem)) {
            kubectl().createNamespace(kubeSystem);
        }
        String otherTeam = namespace("other-team");
        kubectl().applySecret(kubeSystem, "cloud-credentials-" + namespace, "token", "s3cr3t");
        kubectl().createConfigMap(otherTeam, "settings", "color=red");
        kubectl().applySecret(namespace, "db-password", "password", "hunter2");
        kubectl().createConfigMap(namespace, "settings", "color=blue");

        KRMSyncer everything = apply(syncer("everything", """
                - {version: v1, kind: Secret}
                - {version: v1, kind: ConfigMap}
                """));

        awaitReady(everything, "Synced");
        assertThat(target().secret(namespace, "db-password")).isNotNull();
        assertThat(target().configMap(namespace, "settings")).isNotNull();
        assertThat(target().secret(kubeSystem, "cloud-credentials-" + namespace)).isNull();
        assertThat(target().configMap(otherTeam, "settings")).isNull();
        // db-password, cluster2-kubeconfig and settings: the tenant's own objects, nothing else selected
        assertThat(latest(everything).getStatus().getSummary()).isEqualTo("3/3");
        assertThat(OpenSourceWatches.matching(reconciler, key -> namespace.equals(key.namespace())))
                .containsExactlyInAnyOrder("Secret.v1 in namespace " + namespace,
                        "ConfigMap.v1 in namespace " + namespace);
        local().secrets().inNamespace(kubeSystem).withName("cloud-credentials-" + namespace).delete();
    }

    @Test
    void aRuleNamingAnotherNamespaceSyncsWhatIsSharedThereAndReportsTheRest() {
        String teamB = namespace("team-b");
        shareableConfigMap(teamB, "ca-bundle", namespace);
        shareableConfigMap(teamB, "logo", "*");
        shareableConfigMap(teamB, "quotas", "some-other-team");
        shareableConfigMap(teamB, "db-endpoint", null);

        KRMSyncer fromTeamB = apply(syncer("from-team-b", """
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(teamB)).with("spec.deletionPolicy", "Delete"));

        awaitCopy(DESTINATION, teamB, "ca-bundle", copy -> assertThat(copy.getData()).containsEntry("team", "b"));
        awaitCopy(DESTINATION, teamB, "logo", copy -> assertThat(copy.getData()).containsEntry("team", "b"));
        awaitNotReady(fromTeamB, "SourceNotShared");
        RuleStatus rule = ruleOf(latest(fromTeamB), "ConfigMap");
        assertThat(rule.getSynced()).isEqualTo(2);
        assertThat(rule.getFailed()).isEqualTo(2);
        String notShared = "2 objects in " + teamB + " (2) are not shared with namespace " + namespace + ": not"
                + " synced, and copies made while shared are deleted. An object's owner shares it by annotating it "
                + Consent.SHARE_WITH + ": " + namespace;
        assertThat(rule.getLastError()).isEqualTo(notShared);
        assertThat(latest(fromTeamB).getStatus().getSummary()).isEqualTo("2/4");
        Event warning = awaitWarning(fromTeamB, "SourceNotShared");
        assertThat(warning.getMessage()).isEqualTo("ConfigMap: " + notShared);
        assertThat(target().configMap(teamB, "quotas")).isNull();
        assertThat(target().configMap(teamB, "db-endpoint")).isNull();

        // team-b's owner: kubectl annotate configmap ca-bundle krm-sync.io/share-with-
        shareWith(teamB, "ca-bundle", null);
        awaitNoCopy(DESTINATION, teamB, "ca-bundle");
        // ... and kubectl annotate configmap db-endpoint krm-sync.io/share-with=NAMESPACE
        shareWith(teamB, "db-endpoint", namespace);
        awaitCopy(DESTINATION, teamB, "db-endpoint", copy -> assertThat(copy.getData()).containsEntry("team", "b"));
        eventually().untilAsserted(() -> assertThat(ruleOf(latest(fromTeamB), "ConfigMap"))
                .extracting(RuleStatus::getSynced, RuleStatus::getFailed).containsExactly(2, 2));
        assertThat(target().configMap(teamB, "logo")).isNotNull();

        // deletionPolicy Delete: what it synced goes with it
        kubectl().delete(fromTeamB);
        awaitNoCopy(DESTINATION, teamB, "logo");
        awaitNoCopy(DESTINATION, teamB, "db-endpoint");
    }

    @Test
    void aTenantsRuleOnAClusterScopedKindFailsAloneWithoutWatchingIt() throws ReflectiveOperationException {
        kubectl().createConfigMap(namespace, "settings", "color=blue");

        KRMSyncer withRoles = apply(syncer("with-roles", """
                - {group: rbac.authorization.k8s.io, version: v1, kind: ClusterRole}
                - {version: v1, kind: ConfigMap}
                """));

        awaitNotReady(withRoles, "ClusterScopedKindNotAllowed");
        String refusal = "ClusterRole is cluster-scoped: a KRMSyncer in namespace " + namespace + ", which is not a"
                + " trusted namespace, syncs namespaced kinds only; sync it from a KRMSyncer in a trusted namespace";
        RuleStatus roles = ruleOf(latest(withRoles), "ClusterRole");
        assertThat(roles.getReason()).isEqualTo("ClusterScopedKindNotAllowed");
        assertThat(roles.getLastError()).isEqualTo(refusal);
        assertThat(awaitWarning(withRoles, "ClusterScopedKindNotAllowed").getMessage())
                .isEqualTo("ClusterRole: " + refusal);
        awaitCopy(DESTINATION, namespace, "settings",
                copy -> assertThat(copy.getData()).containsEntry("color", "blue"));
        eventually().untilAsserted(() -> assertThat(ruleOf(latest(withRoles), "ConfigMap"))
                .extracting(RuleStatus::getSynced, RuleStatus::getReason).containsExactly(1, null));
        assertThat(OpenSourceWatches.matching(reconciler, key -> "ClusterRole".equals(key.kind().kind()))).isEmpty();

        // kubectl edit krmsyncer with-roles: the ClusterRole rule removed
        kubectl().edit(withRoles, syncer -> syncer.getSpec().getRules()
                .removeIf(rule -> "ClusterRole".equals(rule.getKind())));
        awaitReady(withRoles, "Synced");
        assertThat(ruleOf(latest(withRoles), "ClusterRole")).isNull();
        assertThat(target().configMap(namespace, "settings")).isNotNull();
    }

    @Test
    void aTrustedSyncerStillReadsEveryNamespaceAndATenantsRefusalLeavesItsCopiesAlone() {
        String trusted = namespaceNamed(Tenants.TRUSTED);
        String teamB = namespace("team-b");
        shareableConfigMap(teamB, "ca-bundle", namespace);
        shareableConfigMap(teamB, "db-endpoint", null);
        kubectl().applySecret(trusted, KUBECONFIG_SECRET, "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        KRMSyncer everywhere = apply(Manifest.krmSyncerSample().named("everywhere").inNamespace(trusted)
                .withYaml("spec.rules", "- {version: v1, kind: ConfigMap}")
                .with("spec.destination.clusterConfig.kubeConfigSecretRef.name", KUBECONFIG_SECRET)
                .with("spec.deletionPolicy", "Delete"));
        awaitCopy(DESTINATION, teamB, "db-endpoint", copy -> assertThat(copy.getData()).containsEntry("team", "b"));
        awaitCopy(DESTINATION, teamB, "ca-bundle", copy -> assertThat(copy.getData()).containsEntry("team", "b"));

        // The tenant's KRMSyncer lands team-b's ConfigMaps in its own namespace at the destination.
        KRMSyncer fromTeamB = apply(syncer("from-team-b", """
                - {version: v1, kind: ConfigMap, namespaces: [%s]}
                """.formatted(teamB)).with("spec.destination.namespace", namespace));
        awaitCopy(DESTINATION, namespace, "ca-bundle", copy -> assertThat(copy.getData()).containsEntry("team", "b"));
        awaitNotReady(fromTeamB, "SourceNotShared");
        shareWith(teamB, "ca-bundle", null);
        awaitNoCopy(DESTINATION, namespace, "ca-bundle");

        assertThat(target().configMap(teamB, "db-endpoint")).as("the trusted KRMSyncer's copy").isNotNull();
        assertThat(target().configMap(teamB, "ca-bundle")).as("the trusted KRMSyncer's copy").isNotNull();
        assertThat(target().configMap(namespace, "db-endpoint")).isNull();
    }

    // Steps

    private Kubectl target() {
        return kubectl(DESTINATION);
    }

    /** The KRMSyncer sample named NAME in this test's namespace, with these rules, pushing to cluster2. */
    private Manifest<KRMSyncer> syncer(String name, String rules) {
        return krmSyncer(name, KUBECONFIG_SECRET).withYaml("spec.rules", rules);
    }

    /** A ConfigMap of team-b's, annotated krm-sync.io/share-with=SHAREWITH unless null. */
    private void shareableConfigMap(String namespace, String name, String shareWith) {
        kubectl().apply("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data: {team: b}
                """.formatted(name, namespace), ConfigMap.class);
        if (shareWith != null) {
            shareWith(namespace, name, shareWith);
        }
    }

    /** {@code kubectl annotate configmap NAME krm-sync.io/share-with=NAMESPACES --overwrite}; null removes it. */
    private void shareWith(String namespace, String name, String namespaces) {
        String value = namespaces == null ? "null" : "\"" + namespaces + "\"";
        kubectl().mergePatch(ConfigMap.class, namespace, name,
                "{\"metadata\":{\"annotations\":{\"" + Consent.SHARE_WITH + "\":" + value + "}}}");
    }
}
