package io.krmsync.krmsyncer;

import static io.krmsync.krmsyncer.SyncerNamespace.holdsFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.DOUBLE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.krmsync.krmsyncer.KRMSyncerSpec.DeletionPolicy;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.Scrape;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A KRMSyncer's life as a user drives it with kubectl: suspended and resumed, its kubeconfig Secret rotated, deleted
 * under each deletionPolicy, sharing a destination with another KRMSyncer or with objects it did not create; and what
 * Prometheus sees of it.
 */
@QuarkusTest
@WithTestResource(TestClusters.class)
class KRMSyncerLifecycleTest {

    private static final String DESTINATION = "cluster4";
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final String SYNCER_READY = "krm_sync_syncer_ready";
    private static final String SYNCER_LAST_SYNC = "krm_sync_syncer_last_sync_timestamp_seconds";
    private static final String SYNCER_LAST_READY = "krm_sync_syncer_last_ready_timestamp_seconds";

    TestClusters clusters;
    SyncerNamespace ns;

    @ConfigProperty(name = "quarkus.http.test-port")
    int httpPort;

    @AfterEach
    void deleteSyncers() {
        if (ns != null) {
            ns.deleteSyncers();
        }
    }

    private void given(String prefix) {
        ns = SyncerNamespace.create(clusters, prefix);
        ns.kubeconfigSecret("dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
    }

    private static void hasData(ConfigMap copy, String key, String value) {
        assertThat(copy.getData()).containsEntry(key, value);
    }

    /**
     * {@code spec.suspend} and its alias {@code spec.suspended}: while suspended, nothing created, changed or deleted
     * at the source reaches the destination; once resumed, all of it does, deletions included.
     */
    @ParameterizedTest(name = "spec.{0}")
    @ValueSource(strings = { "suspend", "suspended" })
    void suspendedWritesNothingAndResumingCatchesUp(String field) {
        given("suspend");
        ns.source().createConfigMap(ns.name(), "kept", "v=1");
        ns.source().createConfigMap(ns.name(), "changed", "v=1");
        ns.source().createConfigMap(ns.name(), "deleted", "v=1");
        ns.apply(ns.syncer("pusher", "dest"));
        ns.awaitReady("pusher", "True", "Synced");
        for (String name : new String[] { "kept", "changed", "deleted" }) {
            ns.awaitCopy(DESTINATION, name, copy -> hasData(copy, "v", "1"));
        }

        // kubectl patch krmsyncer pusher --type merge -p '{"spec":{"suspend":true}}'
        ns.patch("pusher", "{\"spec\":{\"" + field + "\":true}}");
        Condition suspended = ns.awaitCondition("pusher", "Suspended", "True", "Suspended");
        assertThat(suspended.getMessage()).contains("spec." + field + " is true");
        assertThat(ns.ready("pusher").getReason()).isEqualTo("Suspended");

        ns.source().mergePatch(ConfigMap.class, ns.name(), "changed", "{\"data\":{\"v\":\"2\"}}");
        clusters.client(TestClusters.LOCAL).configMaps().inNamespace(ns.name()).withName("deleted").delete();
        ns.source().createConfigMap(ns.name(), "created", "v=1");
        holdsFor(QUIET, () -> {
            assertThat(ns.configMapIn(DESTINATION, "changed").getData()).containsEntry("v", "1");
            assertThat(ns.configMapIn(DESTINATION, "deleted")).as("copy of a source deleted while suspended").isNotNull();
            assertThat(ns.configMapIn(DESTINATION, "created")).as("copy of a source created while suspended").isNull();
        });

        ns.patch("pusher", "{\"spec\":{\"" + field + "\":false}}");
        ns.awaitCondition("pusher", "Suspended", "False", "Active");
        ns.awaitCopy(DESTINATION, "changed", copy -> hasData(copy, "v", "2"));
        ns.awaitCopy(DESTINATION, "created", copy -> hasData(copy, "v", "1"));
        ns.awaitNoCopy(DESTINATION, "deleted");
        ns.awaitReady("pusher", "True", "Synced");
        assertThat(ns.configMapIn(DESTINATION, "kept").getData()).containsEntry("v", "1");
        await().untilAsserted(() -> {
            RuleStatus rule = ns.rule("pusher", "ConfigMap");
            assertThat(rule.getSynced()).isEqualTo(3);
            assertThat(rule.getFailed()).isZero();
            assertThat(ns.get("pusher").getStatus().getSummary()).isEqualTo("3/3");
        });
    }

    /** suspend: false and suspended: true disagree: the KRMSyncer stays suspended, and says why, until they agree. */
    @Test
    void disagreeingSuspendFieldsStaySuspended() {
        given("disagree");
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.apply(ns.syncer("pusher", "dest", "suspend: false"));
        ns.awaitReady("pusher", "True", "Synced");
        ns.awaitCopy(DESTINATION, "app", copy -> hasData(copy, "v", "1"));

        ns.patch("pusher", "{\"spec\":{\"suspended\":true}}");
        Condition suspended = ns.awaitCondition("pusher", "Suspended", "True", "SuspendFieldsDisagree");
        assertThat(suspended.getMessage()).contains("spec.suspend is false", "spec.suspended is true");
        assertThat(ns.ready("pusher").getReason()).isEqualTo("Suspended");
        ns.source().mergePatch(ConfigMap.class, ns.name(), "app", "{\"data\":{\"v\":\"2\"}}");
        ns.source().createConfigMap(ns.name(), "new", "v=1");
        holdsFor(QUIET, () -> {
            assertThat(ns.configMapIn(DESTINATION, "app").getData()).containsEntry("v", "1");
            assertThat(ns.configMapIn(DESTINATION, "new")).isNull();
        });

        // Removing the alias leaves suspend: false.
        ns.patch("pusher", "{\"spec\":{\"suspended\":null}}");
        ns.awaitCondition("pusher", "Suspended", "False", "Active");
        ns.awaitCopy(DESTINATION, "app", copy -> hasData(copy, "v", "2"));
        ns.awaitCopy(DESTINATION, "new", copy -> hasData(copy, "v", "1"));
        ns.awaitReady("pusher", "True", "Synced");
    }

    /**
     * Suspending and resuming with nothing changed meanwhile rewrites no copy: its resourceVersion stays, and so does
     * the operator's count of copy writes (which also sees writes that change nothing, which a resourceVersion does
     * not show).
     */
    @Test
    void resumingWithNothingChangedWritesNothing() {
        given("resume");
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.source().createConfigMap(ns.name(), "app-settings", "v=1");
        ns.apply(ns.syncer("pusher", "dest"));
        ns.awaitReady("pusher", "True", "Synced");
        ConfigMap before = ns.awaitCopy(DESTINATION, "app", copy -> hasData(copy, "v", "1"));
        ns.awaitCopy(DESTINATION, "app-settings", copy -> hasData(copy, "v", "1"));
        await().untilAsserted(() -> assertThat(ns.writesThrough("dest", httpPort)).as("the two creates").isEqualTo(2));

        ns.patch("pusher", "{\"spec\":{\"suspend\":true}}");
        ns.awaitCondition("pusher", "Suspended", "True", "Suspended");
        ns.patch("pusher", "{\"spec\":{\"suspend\":false}}");
        ns.awaitCondition("pusher", "Suspended", "False", "Active");
        ns.awaitReady("pusher", "True", "Synced");

        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap after = ns.configMapIn(DESTINATION, "app");
            assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
            assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
            assertThat(ns.writesThrough("dest", httpPort)).isEqualTo(2);
        });
        assertThat(ns.rule("pusher", "ConfigMap").getSynced()).isEqualTo(2);
    }

    /** Replacing the kubeconfig in the Secret moves the destination, with nothing restarted. */
    @Test
    void rotatedSecretMovesTheDestination() {
        ns = SyncerNamespace.create(clusters, "rotate");
        ns.kubeconfigSecret("dest", "kubeconfig", clusters.kubeconfigContent("cluster3"));
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.apply(ns.syncer("pusher", "dest"));
        ns.awaitReady("pusher", "True", "Synced");
        ns.awaitCopy("cluster3", "app", copy -> hasData(copy, "v", "1"));
        assertThat(ns.get("pusher").getStatus().getDestination()).contains(":" + clusters.port("cluster3"));
        assertThat(ns.configMapIn(DESTINATION, "app")).isNull();

        ns.kubeconfigSecret("dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        ns.awaitCopy(DESTINATION, "app", copy -> {
            hasData(copy, "v", "1");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ns.owner("pusher"));
        });
        await().untilAsserted(() -> assertThat(ns.get("pusher").getStatus().getDestination())
                .contains(":" + clusters.port(DESTINATION)));
        ns.awaitReady("pusher", "True", "Synced");

        // From now on, changes go to the new destination only.
        ns.source().createConfigMap(ns.name(), "later", "v=1");
        ns.awaitCopy(DESTINATION, "later", copy -> hasData(copy, "v", "1"));
        assertThat(ns.configMapIn("cluster3", "later")).isNull();
    }

    /** deletionPolicy Retain, the default: deleting the KRMSyncer lets go of its copies, which stay. */
    @Test
    void deletingWithRetainLeavesTheCopies() {
        given("retain");
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.apply(ns.syncer("pusher", "dest"));
        ns.awaitReady("pusher", "True", "Synced");
        assertThat(ns.get("pusher").getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.Retain);
        ns.awaitCopy(DESTINATION, "app", copy -> hasData(copy, "v", "1"));

        ns.delete("pusher");
        await().atMost(Duration.ofSeconds(10)).until(() -> ns.get("pusher") == null);
        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap copy = ns.configMapIn(DESTINATION, "app");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("v", "1");
        });
    }

    /**
     * deletionPolicy Delete: deleting the KRMSyncer deletes exactly the copies it made; a user's ConfigMap and another
     * KRMSyncer's copy in the same destination namespace stay.
     */
    @Test
    void deletingWithDeleteRemovesExactlyItsCopies() {
        given("delete");
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.source().createConfigMap(ns.name(), "app-settings", "v=1");
        // Another KRMSyncer pushes ConfigMaps of a second namespace into the same destination namespace.
        String other = ns.name() + "-other";
        ns.source().createNamespace(other);
        ns.source().createConfigMap(other, "other-app", "v=1");
        ns.apply("""
                apiVersion: syncer.gkelabs.io/v1alpha1
                kind: KRMSyncer
                metadata:
                  name: other
                spec:
                  rules:
                    - version: v1
                      kind: ConfigMap
                      namespaces: [%s]
                  destination:
                    namespace: %s
                    clusterConfig:
                      kubeConfigSecretRef: {name: dest}
                """.formatted(other, ns.name()));
        ns.apply(ns.syncer("pusher", "dest", "deletionPolicy: Delete"));
        ns.awaitReady("pusher", "True", "Synced");
        ns.awaitReady("other", "True", "Synced");
        ns.awaitCopy(DESTINATION, "app", copy -> hasData(copy, "v", "1"));
        ns.awaitCopy(DESTINATION, "app-settings", copy -> hasData(copy, "v", "1"));
        ns.awaitCopy(DESTINATION, "other-app", copy -> assertThat(copy.getMetadata().getAnnotations())
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ns.owner("other")));
        // kubectl --kubeconfig cluster4.kubeconfig create configmap users-own -n NS
        clusters.client(DESTINATION).configMaps().inNamespace(ns.name()).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("users-own").endMetadata().addToData("v", "mine").build()).create();

        ns.delete("pusher");
        await().atMost(Duration.ofSeconds(10)).until(() -> ns.get("pusher") == null);
        ns.awaitNoCopy(DESTINATION, "app");
        ns.awaitNoCopy(DESTINATION, "app-settings");
        holdsFor(Duration.ofSeconds(2), () -> assertThat(ns.configMapsIn(DESTINATION))
                .extracting(copy -> copy.getMetadata().getName()).contains("users-own", "other-app")
                .doesNotContain("app", "app-settings"));
        assertThat(ns.configMapIn(DESTINATION, "users-own").getData()).containsEntry("v", "mine");
        assertThat(ns.source().configMap(ns.name(), "app")).as("the source stays").isNotNull();
        ns.awaitReady("other", "True", "Synced");
    }

    /**
     * Two KRMSyncers push the same object to the same destination: the first keeps it, the second reports the
     * conflict and writes nothing, and the copy stops changing.
     */
    @Test
    void twoSyncersOfOneObjectDoNotFight() {
        given("fight");
        ns.source().createConfigMap(ns.name(), "shared", "v=1");
        ns.apply(ns.syncer("first", "dest"));
        ns.awaitReady("first", "True", "Synced");
        ConfigMap copy = ns.awaitCopy(DESTINATION, "shared", c -> hasData(c, "v", "1"));

        ns.apply(ns.syncer("second", "dest"));
        Condition ready = ns.awaitReady("second", "False", "Conflict");
        assertThat(ready.getMessage()).contains(ns.owner("first"));
        RuleStatus rule = ns.rule("second", "ConfigMap");
        assertThat(rule.getSynced()).isZero();
        assertThat(rule.getFailed()).isEqualTo(1);
        assertThat(rule.getReason()).isEqualTo("Conflict");
        assertThat(rule.getLastError()).contains("managed by another krm-sync owner", ns.owner("first"));
        assertThat(ns.awaitWarning("second", "Conflict").getMessage()).contains(ns.owner("first"));
        holdsFor(QUIET, () -> {
            ConfigMap now = ns.configMapIn(DESTINATION, "shared");
            assertThat(now.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ns.owner("first"));
            assertThat(now.getMetadata().getResourceVersion()).isEqualTo(copy.getMetadata().getResourceVersion());
        });
        assertThat(ns.ready("first").getReason()).isEqualTo("Synced");

        // A change at the source is carried once, by the first, and then the copy is quiet again.
        ns.source().mergePatch(ConfigMap.class, ns.name(), "shared", "{\"data\":{\"v\":\"2\"}}");
        ConfigMap changed = ns.awaitCopy(DESTINATION, "shared", c -> hasData(c, "v", "2"));
        holdsFor(QUIET, () -> {
            ConfigMap now = ns.configMapIn(DESTINATION, "shared");
            assertThat(now.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ns.owner("first"));
            assertThat(now.getMetadata().getResourceVersion()).isEqualTo(changed.getMetadata().getResourceVersion());
        });
        assertThat(ns.ready("second").getReason()).isEqualTo("Conflict");
        assertThat(ns.ready("first").getReason()).isEqualTo("Synced");
    }

    /**
     * An object already at the destination that krm-sync did not create: conflictPolicy Skip (the default) leaves it
     * untouched and reports the conflict; Overwrite takes it over.
     */
    @Test
    void conflictPolicyDecidesAboutAnUnmanagedObject() {
        given("policy");
        // kubectl --kubeconfig cluster4.kubeconfig create namespace NS; kubectl create configmap app -n NS
        clusters.client(DESTINATION).namespaces().resource(new NamespaceBuilder().withNewMetadata()
                .withName(ns.name()).endMetadata().build()).create();
        ConfigMap users = clusters.client(DESTINATION).configMaps().inNamespace(ns.name()).resource(
                new ConfigMapBuilder().withNewMetadata().withName("app").endMetadata().addToData("v", "users").build())
                .create();
        ns.source().createConfigMap(ns.name(), "app", "v=1");

        ns.apply(ns.syncer("pusher", "dest"));
        Condition ready = ns.awaitReady("pusher", "False", "Conflict");
        assertThat(ready.getMessage()).contains("not created by krm-sync", "conflictPolicy Skip");
        RuleStatus rule = ns.rule("pusher", "ConfigMap");
        assertThat(rule.getFailed()).isEqualTo(1);
        assertThat(rule.getSynced()).isZero();
        assertThat(rule.getLastError()).contains("not created by krm-sync");
        ns.awaitWarning("pusher", "Conflict");
        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap live = ns.configMapIn(DESTINATION, "app");
            assertThat(live.getData()).containsEntry("v", "users");
            assertThat(live.getMetadata().getResourceVersion()).isEqualTo(users.getMetadata().getResourceVersion());
            assertThat(TrackingMetadata.ownerKey(live)).isEmpty();
        });

        ns.patch("pusher", "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");
        ns.awaitCopy(DESTINATION, "app", copy -> {
            hasData(copy, "v", "1");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ns.owner("pusher"));
        });
        ns.awaitReady("pusher", "True", "Synced");
        await().untilAsserted(() -> assertThat(ns.rule("pusher", "ConfigMap").getFailed()).isZero());
    }

    /**
     * What Prometheus sees of each KRMSyncer: 1 and its last sync time when Ready, checked again while idle (the
     * last-Ready time moves, status.lastSyncTime does not), 0 while its Secret is missing, no series once deleted.
     */
    @Test
    void metricsShowEachKRMSyncersReadinessUntilItIsDeleted() {
        given("gauges");
        ns.source().createConfigMap(ns.name(), "app", "v=1");
        ns.apply(ns.syncer("pusher", "dest"));
        ns.apply(ns.syncer("lost", "missing"));
        ns.awaitReady("pusher", "True", "Synced");
        ns.awaitReady("lost", "False", "SecretNotFound");
        Map<String, String> pusher = gaugeLabels("pusher");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(SYNCER_READY, pusher)).contains(1.0);
            assertThat(scrape.value(SYNCER_LAST_SYNC, pusher)).get(DOUBLE).isCloseTo(
                    Scrape.timestampSeconds(ns.get("pusher").getStatus().getLastSyncTime()), within(0.001));
            assertThat(scrape.value(SYNCER_READY, gaugeLabels("lost"))).contains(0.0);
        });

        String lastSyncTime = ns.get("pusher").getStatus().getLastSyncTime();
        double lastReady = scrape().value(SYNCER_LAST_READY, pusher).orElseThrow();
        // A synced KRMSyncer is looked at again every retry interval (2 s in tests), with nothing to write.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().value(SYNCER_LAST_READY, pusher))
                .get(DOUBLE).isGreaterThan(lastReady));
        assertThat(ns.get("pusher").getStatus().getLastSyncTime()).isEqualTo(lastSyncTime);

        ns.delete("pusher");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(SYNCER_READY, pusher)).isEmpty();
            assertThat(scrape.value(SYNCER_LAST_SYNC, pusher)).isEmpty();
            assertThat(scrape.value(SYNCER_LAST_READY, pusher)).isEmpty();
        });
    }

    private Map<String, String> gaugeLabels(String syncer) {
        return Map.of("reconciler", KRMSyncerReconciler.NAME, "namespace", ns.name(), "name", syncer);
    }

    private Scrape scrape() {
        return Scrape.of(new OperatorEndpoints(httpPort));
    }
}
