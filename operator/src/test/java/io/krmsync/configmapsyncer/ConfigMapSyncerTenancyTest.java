package io.krmsync.configmapsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.Eventually.holdsFor;
import static io.krmsync.testing.KrmSyncAssertions.READY;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.conditionOf;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.tenancy.Consent;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Tenants;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Issue 12's attacks on a shared cluster, by a tenant whose namespace is this test's own: a ConfigMapSyncer reads,
 * writes and takes over only what its namespace was given, and consent given later, or withdrawn, takes effect.
 */
@QuarkusTest
@TestProfile(Tenants.class)
class ConfigMapSyncerTenancyTest extends OperatorTest {

    /** Long enough for a reconciliation that would write a copy, had the operator let it. */
    private static final Duration NOTHING_HAPPENS = Duration.ofSeconds(2);

    @Test
    void aTenantCannotCopyASecretOutOfKubeSystem() {
        String kubeSystem = namespaceNamed("kube-system");
        String stolen = "cloud-credentials-" + namespace;
        kubectl().applySecret(kubeSystem, stolen, "token", "s3cr3t");

        ConfigMapSyncer theft = apply(secretSyncer("theft", kubeSystem, stolen, namespace));

        Condition ready = awaitNotReady(theft, "SourceNotShared");
        assertThat(ready).hasMessageContaining("Secret " + kubeSystem + "/" + stolen,
                "not shared with namespace " + namespace, Consent.SHARE_WITH);
        assertThat(awaitWarning(theft, "SourceNotShared").getMessage()).contains(Consent.SHARE_WITH);
        holdsFor(NOTHING_HAPPENS, () -> assertThat(kubectl().secret(namespace, stolen)).isNull());
    }

    @Test
    void aTenantCannotCopyTheOperatorsClusterKubeconfigs() {
        String operatorNamespace = namespaceNamed(TestClusters.OPERATOR_NAMESPACE);
        String kubeconfig = "cluster9-kubeconfig-" + namespace;
        kubectl().applySecret(operatorNamespace, kubeconfig, "kubeconfig", "apiVersion: v1\nkind: Config\n");

        ConfigMapSyncer theft = apply(secretSyncer("theft", operatorNamespace, kubeconfig, namespace));

        awaitNotReady(theft, "SourceNotShared");
        holdsFor(NOTHING_HAPPENS, () -> assertThat(kubectl().secret(namespace, kubeconfig)).isNull());
        assertThat(latest(theft).getStatus().getSyncedNamespaces()).isEmpty();
    }

    @Test
    void aTenantCannotTakeOverOrDeleteCoreDnsInKubeSystem() {
        String kubeSystem = namespaceNamed("kube-system");
        ConfigMap coreDns = kubectl().createConfigMap(kubeSystem, "coredns", "Corefile=.:53 { forward . 8.8.8.8 }");
        kubectl().createConfigMap(namespace, "coredns", "Corefile=.:53 { forward . 6.6.6.6 }");

        ConfigMapSyncer takeover = apply(configMapSyncer("takeover", kubeSystem)
                .with("spec.sourceConfigMap", "coredns").with("spec.conflictPolicy", "Overwrite"));

        awaitNotReady(takeover, "SyncFailed");
        assertThat(latest(takeover).getStatus().getFailures()).singleElement().satisfies(failure -> {
            assertThat(failure.namespace()).isEqualTo(kubeSystem);
            assertThat(failure.reason()).isEqualTo("TargetNamespaceNotAccepting");
            assertThat(failure.message()).contains(Consent.ACCEPT_FROM, namespace);
        });
        awaitWarning(takeover, "TargetNamespaceNotAccepting");
        assertUntouched(coreDns);

        kubectl().delete(takeover);
        eventually().until(() -> latest(takeover) == null);
        assertUntouched(coreDns);
    }

    @Test
    void overwriteTakesNothingOverOutsideTheTenantsNamespaceEvenWhereItIsAccepted() {
        String kubeSystem = namespaceNamed("kube-system");
        ConfigMap coreDns = kubectl().createConfigMap(kubeSystem, "coredns", "Corefile=.:53 { forward . 8.8.8.8 }");
        kubectl().createConfigMap(namespace, "coredns", "Corefile=.:53 { forward . 6.6.6.6 }");
        kubectl().annotate(Namespace.class, null, kubeSystem, Consent.ACCEPT_FROM, namespace);
        try {
            ConfigMapSyncer takeover = apply(configMapSyncer("takeover", kubeSystem)
                    .with("spec.sourceConfigMap", "coredns").with("spec.conflictPolicy", "Overwrite"));

            awaitNotReady(takeover, "SyncFailed");
            assertThat(latest(takeover).getStatus().getFailures()).singleElement().satisfies(failure -> {
                assertThat(failure.reason()).isEqualTo("OverwriteNotAllowed");
                assertThat(failure.message()).contains("ConfigMap " + kubeSystem + "/coredns",
                        "only in the syncer's own namespace, " + namespace);
            });
            awaitWarning(takeover, "OverwriteNotAllowed");
            assertUntouched(coreDns);
        } finally {
            kubectl().annotate(Namespace.class, null, kubeSystem, Consent.ACCEPT_FROM, null);
        }
    }

    @Test
    void aTenantCannotOverwriteAnotherTeamsKubeconfigSecretEvenWhereItIsAccepted() {
        String otherTeam = namespace("team-b");
        kubectl().annotate(Namespace.class, null, otherTeam, Consent.ACCEPT_FROM, namespace);
        kubectl().applySecret(otherTeam, "destination-kubeconfig", "kubeconfig", "the team's own cluster");
        Secret theirs = kubectl().secret(otherTeam, "destination-kubeconfig");
        kubectl().applySecret(namespace, "destination-kubeconfig", "kubeconfig", "the attacker's cluster");

        ConfigMapSyncer hijack = apply(secretSyncer("hijack", namespace, "destination-kubeconfig", otherTeam)
                .with("spec.conflictPolicy", "Overwrite"));

        awaitNotReady(hijack, "SyncFailed");
        awaitWarning(hijack, "OverwriteNotAllowed");
        assertThat(kubectl().secret(otherTeam, "destination-kubeconfig").getData()).isEqualTo(theirs.getData());
    }

    @Test
    void overwriteStillTakesOverInTheTenantsOwnNamespace() {
        String shared = namespace("shared");
        kubectl().createConfigMap(shared, "app-config", "k=shared");
        kubectl().annotate(ConfigMap.class, shared, "app-config", Consent.SHARE_WITH, namespace);
        kubectl().createConfigMap(namespace, "app-config", "k=mine");

        ConfigMapSyncer fetch = apply(configMapSyncer("fetch", namespace).with("spec.sourceNamespace", shared)
                .with("spec.conflictPolicy", "Overwrite"));

        awaitReady(fetch, "Synced");
        assertThat(kubectl().configMap(namespace, "app-config").getData()).containsEntry("k", "shared");
    }

    @Test
    void anEmptySelectorWritesOnlyIntoNamespacesThatAcceptCopies() {
        String accepting = namespace("accepting");
        kubectl().annotate(Namespace.class, null, accepting, Consent.ACCEPT_FROM, "someone, " + namespace);
        String closed = namespace("closed");
        String kubeSystem = namespaceNamed("kube-system");
        kubectl().createConfigMap(namespace, "app-config", "k=v");

        ConfigMapSyncer everywhere = apply(configMapSyncer("everywhere").without("spec.targetNamespaces")
                .withYaml("spec.namespaceSelector", "{}"));

        Condition ready = awaitReady(everywhere, "Synced");
        assertThat(ready).hasMessageContaining("matching namespaceSelector left out", Consent.ACCEPT_FROM);
        assertThat(latest(everywhere).getStatus().getSyncedNamespaces()).contains(accepting)
                .doesNotContain(closed, kubeSystem, Tenants.TRUSTED);
        assertThat(kubectl().configMap(accepting, "app-config")).isNotNull();
        assertThat(kubectl().configMap(closed, "app-config")).isNull();
        assertThat(kubectl().configMap(kubeSystem, "app-config")).isNull();

        kubectl().delete(everywhere);
        awaitNoCopy(LOCAL, accepting, "app-config");
        assertThat(kubectl().configMap(namespace, "app-config")).as("the source").isNotNull();
    }

    @Test
    void sharingTheSourceBringsTheCopyAndWithdrawingItTakesTheCopyAway() {
        String shared = namespace("shared");
        kubectl().createConfigMap(shared, "app-config", "k=v");
        ConfigMapSyncer fetch = apply(configMapSyncer("fetch", namespace).with("spec.sourceNamespace", shared));
        awaitNotReady(fetch, "SourceNotShared");
        assertThat(kubectl().configMap(namespace, "app-config")).isNull();

        kubectl().annotate(ConfigMap.class, shared, "app-config", Consent.SHARE_WITH, "*");

        awaitCopy(LOCAL, namespace, "app-config", copy -> assertThat(copy.getData()).containsEntry("k", "v"));
        awaitReady(fetch, "Synced");

        kubectl().annotate(ConfigMap.class, shared, "app-config", Consent.SHARE_WITH, "someone-else");

        awaitNoCopy(LOCAL, namespace, "app-config");
        awaitNotReady(fetch, "SourceNotShared");
        ConfigMapSyncerStatus status = latest(fetch).getStatus();
        assertThat(status.getSyncedNamespaces()).isEmpty();
        assertThat(status.getSummary()).isEqualTo("0/1");
        assertThat(kubectl().configMap(shared, "app-config").getData()).as("the source itself")
                .containsEntry("k", "v");
    }

    @Test
    void acceptingCopiesBringsTheCopyAndWithdrawingItTakesTheCopyAway() {
        String named = namespace("named");
        String selected = namespace("selected", namespace + "-copies=yes");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", named)
                .withYaml("spec.namespaceSelector", "matchLabels: {%s-copies: \"yes\"}".formatted(namespace)));
        assertThat(awaitNotReady(fanout, "SyncFailed")).hasMessageContaining(named + ": TargetNamespaceNotAccepting",
                "1 namespace(s) matching namespaceSelector left out");

        kubectl().annotate(Namespace.class, null, named, Consent.ACCEPT_FROM, namespace);
        kubectl().annotate(Namespace.class, null, selected, Consent.ACCEPT_FROM, namespace);

        awaitCopy(LOCAL, named, "app-config", copy -> assertThat(copy.getData()).containsEntry("k", "v"));
        awaitCopy(LOCAL, selected, "app-config", copy -> assertThat(copy.getData()).containsEntry("k", "v"));
        awaitReady(fanout, "Synced");

        kubectl().annotate(Namespace.class, null, named, Consent.ACCEPT_FROM, null);
        kubectl().annotate(Namespace.class, null, selected, Consent.ACCEPT_FROM, "someone-else");

        awaitNoCopy(LOCAL, named, "app-config");
        awaitNoCopy(LOCAL, selected, "app-config");
        eventually().untilAsserted(() -> assertThat(latest(fanout).getStatus().getFailures()).singleElement()
                .extracting(NamespaceFailure::reason).isEqualTo("TargetNamespaceNotAccepting"));
        assertThat(conditionOf(latest(fanout), READY).orElseThrow())
                .hasMessageContaining("1 namespace(s) matching namespaceSelector left out");
    }

    @Test
    void aSyncerInATrustedNamespaceActsWithTheOperatorsAuthority() {
        String trusted = namespaceNamed(Tenants.TRUSTED);
        String kubeSystem = namespaceNamed("kube-system");
        String source = "cluster-info-" + namespace;
        kubectl().createConfigMap(kubeSystem, source, "k=from kube-system");
        kubectl().createConfigMap(namespace, source, "k=the tenant's own");

        ConfigMapSyncer platform = apply(configMapSyncer("platform-" + namespace, namespace).inNamespace(trusted)
                .with("spec.sourceNamespace", kubeSystem).with("spec.sourceConfigMap", source)
                .with("spec.conflictPolicy", "Overwrite"));

        awaitReady(platform, "Synced");
        assertThat(kubectl().configMap(namespace, source).getData()).containsEntry("k", "from kube-system");
    }

    /** A ConfigMapSyncer of this test's namespace copying a Secret. */
    private Manifest<ConfigMapSyncer> secretSyncer(String name, String sourceNamespace, String secret,
            String... targets) {
        return configMapSyncer(name, targets).with("spec.sourceNamespace", sourceNamespace)
                .without("spec.sourceConfigMap").with("spec.sourceSecret", secret);
    }

    private void assertUntouched(ConfigMap userObject) {
        ConfigMap live = kubectl().configMap(userObject.getMetadata().getNamespace(), userObject.getMetadata().getName());
        assertThat(live.getData()).isEqualTo(userObject.getData());
        assertThat(TrackingMetadata.ownerKey(live)).as("krm-sync's owner marker").isEmpty();
    }
}
