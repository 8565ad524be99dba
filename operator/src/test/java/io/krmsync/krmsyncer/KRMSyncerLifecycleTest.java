package io.krmsync.krmsyncer;

import static io.krmsync.testing.Eventually.holdsFor;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.ruleOf;
import static io.krmsync.testing.KrmSyncAssertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.DOUBLE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.krmsync.krmsyncer.KRMSyncerSpec.DeletionPolicy;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A KRMSyncer's life as a user drives it with kubectl: suspended and resumed, its kubeconfig Secret rotated, deleted
 * under each deletionPolicy, sharing a destination with another KRMSyncer or with objects it did not create; and what
 * Prometheus sees of it.
 */
@QuarkusTest
class KRMSyncerLifecycleTest extends OperatorTest {

    private static final String DESTINATION = "cluster4";
    private static final Duration QUIET = Duration.ofSeconds(3);
    private static final String SYNCER_READY = "krm_sync_syncer_ready";
    private static final String SYNCER_LAST_SYNC = "krm_sync_syncer_last_sync_timestamp_seconds";
    private static final String SYNCER_LAST_READY = "krm_sync_syncer_last_ready_timestamp_seconds";

    /** kubectl create secret generic dest --from-file=kubeconfig=cluster4.kubeconfig */
    @BeforeEach
    void destinationKubeconfig() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
    }

    private static void hasData(ConfigMap copy, String key, String value) {
        assertThat(copy.getData()).containsEntry(key, value);
    }

    /** The owner annotation krm-sync stamps on the copies of a KRMSyncer of this test's namespace. */
    private String ownerOf(String syncer) {
        return KRMSyncerReconciler.NAME + "/" + namespace + "/" + syncer;
    }

    private ConfigMap atDestination(String name) {
        return kubectl(DESTINATION).configMap(namespace, name);
    }

    /**
     * {@code spec.suspend} and its alias {@code spec.suspended}: while suspended, nothing created, changed or deleted
     * at the source reaches the destination; once resumed, all of it does, deletions included.
     */
    @ParameterizedTest(name = "spec.{0}")
    @ValueSource(strings = { "suspend", "suspended" })
    void suspendedWritesNothingAndResumingCatchesUp(String field) {
        kubectl().createConfigMap(namespace, "kept", "v=1");
        kubectl().createConfigMap(namespace, "changed", "v=1");
        kubectl().createConfigMap(namespace, "deleted", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        awaitReady(pusher, "Synced");
        for (String name : new String[] { "kept", "changed", "deleted" }) {
            awaitCopy(DESTINATION, namespace, name, copy -> hasData(copy, "v", "1"));
        }

        // kubectl patch krmsyncer pusher --type merge -p '{"spec":{"suspend":true}}'
        kubectl().patch(pusher, "{\"spec\":{\"" + field + "\":true}}");
        Condition suspended = awaitCondition(pusher, "Suspended", "True", "Suspended");
        assertThat(suspended.getMessage()).contains("spec." + field + " is true");
        assertThat(latest(pusher)).hasReason("Suspended");

        kubectl().mergePatch(ConfigMap.class, namespace, "changed", "{\"data\":{\"v\":\"2\"}}");
        kubectl().deleteConfigMap(namespace, "deleted");
        kubectl().createConfigMap(namespace, "created", "v=1");
        holdsFor(QUIET, () -> {
            assertThat(atDestination("changed").getData()).containsEntry("v", "1");
            assertThat(atDestination("deleted")).as("copy of a source deleted while suspended").isNotNull();
            assertThat(atDestination("created")).as("copy of a source created while suspended").isNull();
        });

        kubectl().patch(pusher, "{\"spec\":{\"" + field + "\":false}}");
        awaitCondition(pusher, "Suspended", "False", "Active");
        awaitCopy(DESTINATION, namespace, "changed", copy -> hasData(copy, "v", "2"));
        awaitCopy(DESTINATION, namespace, "created", copy -> hasData(copy, "v", "1"));
        awaitNoCopy(DESTINATION, namespace, "deleted");
        awaitReady(pusher, "Synced");
        assertThat(atDestination("kept").getData()).containsEntry("v", "1");
        await().untilAsserted(() -> {
            RuleStatus rule = ruleOf(latest(pusher), "ConfigMap");
            assertThat(rule.getSynced()).isEqualTo(3);
            assertThat(rule.getFailed()).isZero();
            assertThat(latest(pusher).getStatus().getSummary()).isEqualTo("3/3");
        });
    }

    /** suspend: false and suspended: true disagree: the KRMSyncer stays suspended, and says why, until they agree. */
    @Test
    void disagreeingSuspendFieldsStaySuspended() {
        kubectl().createConfigMap(namespace, "app", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest").with("spec.suspend", false));
        awaitReady(pusher, "Synced");
        awaitCopy(DESTINATION, namespace, "app", copy -> hasData(copy, "v", "1"));

        kubectl().patch(pusher, "{\"spec\":{\"suspended\":true}}");
        Condition suspended = awaitCondition(pusher, "Suspended", "True", "SuspendFieldsDisagree");
        assertThat(suspended.getMessage()).contains("spec.suspend is false", "spec.suspended is true");
        assertThat(latest(pusher)).hasReason("Suspended");
        kubectl().mergePatch(ConfigMap.class, namespace, "app", "{\"data\":{\"v\":\"2\"}}");
        kubectl().createConfigMap(namespace, "new", "v=1");
        holdsFor(QUIET, () -> {
            assertThat(atDestination("app").getData()).containsEntry("v", "1");
            assertThat(atDestination("new")).isNull();
        });

        // Removing the alias leaves suspend: false.
        kubectl().patch(pusher, "{\"spec\":{\"suspended\":null}}");
        awaitCondition(pusher, "Suspended", "False", "Active");
        awaitCopy(DESTINATION, namespace, "app", copy -> hasData(copy, "v", "2"));
        awaitCopy(DESTINATION, namespace, "new", copy -> hasData(copy, "v", "1"));
        awaitReady(pusher, "Synced");
    }

    /**
     * Suspending and resuming with nothing changed meanwhile rewrites no copy: its resourceVersion stays, and so does
     * the operator's count of copy writes (which also sees writes that change nothing, which a resourceVersion does
     * not show).
     */
    @Test
    void resumingWithNothingChangedWritesNothing() {
        kubectl().createConfigMap(namespace, "app", "v=1");
        kubectl().createConfigMap(namespace, "app-settings", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        awaitReady(pusher, "Synced");
        ConfigMap before = awaitCopy(DESTINATION, namespace, "app", copy -> hasData(copy, "v", "1"));
        awaitCopy(DESTINATION, namespace, "app-settings", copy -> hasData(copy, "v", "1"));
        await().untilAsserted(() -> assertThat(writesThrough("dest")).as("the two creates").isEqualTo(2));

        kubectl().patch(pusher, "{\"spec\":{\"suspend\":true}}");
        awaitCondition(pusher, "Suspended", "True", "Suspended");
        kubectl().patch(pusher, "{\"spec\":{\"suspend\":false}}");
        awaitCondition(pusher, "Suspended", "False", "Active");
        awaitReady(pusher, "Synced");

        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap after = atDestination("app");
            assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
            assertThat(after.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
            assertThat(writesThrough("dest")).isEqualTo(2);
        });
        assertThat(ruleOf(latest(pusher), "ConfigMap").getSynced()).isEqualTo(2);
    }

    /** Replacing the kubeconfig in the Secret moves the destination, with nothing restarted. */
    @Test
    void rotatedSecretMovesTheDestination() {
        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent("cluster3"));
        kubectl().createConfigMap(namespace, "app", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        awaitReady(pusher, "Synced");
        awaitCopy("cluster3", namespace, "app", copy -> hasData(copy, "v", "1"));
        assertThat(latest(pusher).getStatus().getDestination()).contains(":" + clusters.port("cluster3"));
        assertThat(atDestination("app")).isNull();

        kubectl().applySecret(namespace, "dest", "kubeconfig", clusters.kubeconfigContent(DESTINATION));
        awaitCopy(DESTINATION, namespace, "app", copy -> {
            hasData(copy, "v", "1");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ownerOf("pusher"));
        });
        await().untilAsserted(() -> assertThat(latest(pusher).getStatus().getDestination())
                .contains(":" + clusters.port(DESTINATION)));
        awaitReady(pusher, "Synced");

        // From now on, changes go to the new destination only.
        kubectl().createConfigMap(namespace, "later", "v=1");
        awaitCopy(DESTINATION, namespace, "later", copy -> hasData(copy, "v", "1"));
        assertThat(kubectl("cluster3").configMap(namespace, "later")).isNull();
    }

    /** deletionPolicy Retain, the default: deleting the KRMSyncer lets go of its copies, which stay. */
    @Test
    void deletingWithRetainLeavesTheCopies() {
        kubectl().createConfigMap(namespace, "app", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        awaitReady(pusher, "Synced");
        assertThat(latest(pusher).getSpec().getDeletionPolicy()).isEqualTo(DeletionPolicy.Retain);
        awaitCopy(DESTINATION, namespace, "app", copy -> hasData(copy, "v", "1"));

        kubectl().delete(pusher);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest(pusher) == null);
        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap copy = atDestination("app");
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
        kubectl().createConfigMap(namespace, "app", "v=1");
        kubectl().createConfigMap(namespace, "app-settings", "v=1");
        // Another KRMSyncer pushes ConfigMaps of a second namespace into the same destination namespace.
        String otherNamespace = namespace("other");
        kubectl().createConfigMap(otherNamespace, "other-app", "v=1");
        KRMSyncer other = apply(krmSyncer("other", "dest").with("spec.rules[0].namespaces", List.of(otherNamespace))
                .with("spec.destination.namespace", namespace));
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest").with("spec.deletionPolicy", "Delete"));
        awaitReady(pusher, "Synced");
        awaitReady(other, "Synced");
        awaitCopy(DESTINATION, namespace, "app", copy -> hasData(copy, "v", "1"));
        awaitCopy(DESTINATION, namespace, "app-settings", copy -> hasData(copy, "v", "1"));
        awaitCopy(DESTINATION, namespace, "other-app", copy -> assertThat(copy.getMetadata().getAnnotations())
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ownerOf("other")));
        // kubectl --kubeconfig cluster4.kubeconfig create configmap users-own -n NS
        kubectl(DESTINATION).createConfigMap(namespace, "users-own", "v=mine");

        kubectl().delete(pusher);
        await().atMost(Duration.ofSeconds(10)).until(() -> latest(pusher) == null);
        awaitNoCopy(DESTINATION, namespace, "app");
        awaitNoCopy(DESTINATION, namespace, "app-settings");
        holdsFor(Duration.ofSeconds(2), () -> assertThat(kubectl(DESTINATION).configMaps(namespace))
                .extracting(copy -> copy.getMetadata().getName()).contains("users-own", "other-app")
                .doesNotContain("app", "app-settings"));
        assertThat(atDestination("users-own").getData()).containsEntry("v", "mine");
        assertThat(kubectl().configMap(namespace, "app")).as("the source stays").isNotNull();
        awaitReady(other, "Synced");
    }

    /**
     * Two KRMSyncers push the same object to the same destination: the first keeps it, the second reports the
     * conflict and writes nothing, and the copy stops changing.
     */
    @Test
    void twoSyncersOfOneObjectDoNotFight() {
        kubectl().createConfigMap(namespace, "shared", "v=1");
        KRMSyncer first = apply(krmSyncer("first", "dest"));
        awaitReady(first, "Synced");
        ConfigMap copy = awaitCopy(DESTINATION, namespace, "shared", c -> hasData(c, "v", "1"));

        KRMSyncer second = apply(krmSyncer("second", "dest"));
        Condition ready = awaitNotReady(second, "Conflict");
        assertThat(ready.getMessage()).contains(ownerOf("first"));
        RuleStatus rule = ruleOf(latest(second), "ConfigMap");
        assertThat(rule.getSynced()).isZero();
        assertThat(rule.getFailed()).isEqualTo(1);
        assertThat(rule.getReason()).isEqualTo("Conflict");
        assertThat(rule.getLastError()).contains("managed by another krm-sync owner", ownerOf("first"));
        assertThat(awaitWarning(second, "Conflict").getMessage()).contains(ownerOf("first"));
        holdsFor(QUIET, () -> {
            ConfigMap now = atDestination("shared");
            assertThat(now.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ownerOf("first"));
            assertThat(now.getMetadata().getResourceVersion()).isEqualTo(copy.getMetadata().getResourceVersion());
        });
        assertThat(latest(first)).hasReason("Synced");

        // A change at the source is carried once, by the first, and then the copy is quiet again.
        kubectl().mergePatch(ConfigMap.class, namespace, "shared", "{\"data\":{\"v\":\"2\"}}");
        ConfigMap changed = awaitCopy(DESTINATION, namespace, "shared", c -> hasData(c, "v", "2"));
        holdsFor(QUIET, () -> {
            ConfigMap now = atDestination("shared");
            assertThat(now.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ownerOf("first"));
            assertThat(now.getMetadata().getResourceVersion()).isEqualTo(changed.getMetadata().getResourceVersion());
        });
        assertThat(latest(second)).hasReason("Conflict");
        assertThat(latest(first)).hasReason("Synced");
    }

    /**
     * An object already at the destination that krm-sync did not create: conflictPolicy Skip (the default) leaves it
     * untouched and reports the conflict; Overwrite takes it over.
     */
    @Test
    void conflictPolicyDecidesAboutAnUnmanagedObject() {
        // kubectl --kubeconfig cluster4.kubeconfig create namespace NS; kubectl create configmap app -n NS
        kubectl(DESTINATION).createNamespace(namespace);
        ConfigMap users = kubectl(DESTINATION).createConfigMap(namespace, "app", "v=users");
        kubectl().createConfigMap(namespace, "app", "v=1");

        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        Condition ready = awaitNotReady(pusher, "Conflict");
        assertThat(ready.getMessage()).contains("not created by krm-sync", "conflictPolicy Skip");
        RuleStatus rule = ruleOf(latest(pusher), "ConfigMap");
        assertThat(rule.getFailed()).isEqualTo(1);
        assertThat(rule.getSynced()).isZero();
        assertThat(rule.getLastError()).contains("not created by krm-sync");
        awaitWarning(pusher, "Conflict");
        holdsFor(Duration.ofSeconds(2), () -> {
            ConfigMap live = atDestination("app");
            assertThat(live.getData()).containsEntry("v", "users");
            assertThat(live.getMetadata().getResourceVersion()).isEqualTo(users.getMetadata().getResourceVersion());
            assertThat(TrackingMetadata.ownerKey(live)).isEmpty();
        });

        kubectl().patch(pusher, "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");
        awaitCopy(DESTINATION, namespace, "app", copy -> {
            hasData(copy, "v", "1");
            assertThat(copy.getMetadata().getAnnotations())
                    .containsEntry(TrackingMetadata.OWNER_ANNOTATION, ownerOf("pusher"));
        });
        awaitReady(pusher, "Synced");
        await().untilAsserted(() -> assertThat(ruleOf(latest(pusher), "ConfigMap").getFailed()).isZero());
    }

    /**
     * What Prometheus sees of each KRMSyncer: 1 and its last sync time when Ready, checked again while idle (the
     * last-Ready time moves, status.lastSyncTime does not), 0 while its Secret is missing, no series once deleted.
     */
    @Test
    void metricsShowEachKRMSyncersReadinessUntilItIsDeleted() {
        kubectl().createConfigMap(namespace, "app", "v=1");
        KRMSyncer pusher = apply(krmSyncer("pusher", "dest"));
        KRMSyncer lost = apply(krmSyncer("lost", "missing"));
        awaitReady(pusher, "Synced");
        awaitNotReady(lost, "SecretNotFound");
        Map<String, String> gauges = gaugeLabels("pusher");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(SYNCER_READY, gauges)).contains(1.0);
            assertThat(scrape.value(SYNCER_LAST_SYNC, gauges)).get(DOUBLE).isCloseTo(
                    Scrape.timestampSeconds(latest(pusher).getStatus().getLastSyncTime()), within(0.001));
            assertThat(scrape.value(SYNCER_READY, gaugeLabels("lost"))).contains(0.0);
        });

        String lastSyncTime = latest(pusher).getStatus().getLastSyncTime();
        double lastReady = scrape().value(SYNCER_LAST_READY, gauges).orElseThrow();
        // A synced KRMSyncer is looked at again every retry interval (2 s in tests), with nothing to write.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().value(SYNCER_LAST_READY, gauges))
                .get(DOUBLE).isGreaterThan(lastReady));
        assertThat(latest(pusher).getStatus().getLastSyncTime()).isEqualTo(lastSyncTime);

        kubectl().delete(pusher);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(SYNCER_READY, gauges)).isEmpty();
            assertThat(scrape.value(SYNCER_LAST_SYNC, gauges)).isEmpty();
            assertThat(scrape.value(SYNCER_LAST_READY, gauges)).isEmpty();
        });
    }

    private Map<String, String> gaugeLabels(String syncer) {
        return Map.of("reconciler", KRMSyncerReconciler.NAME, "namespace", namespace, "name", syncer);
    }

    /**
     * {@code curl localhost:PORT/q/metrics}: how many copies the KRMSyncers of this test's namespace wrote (created,
     * updated, recreated, deleted) through the kubeconfig Secret {@code secret}, whose metric cluster label is
     * NAMESPACE/SECRET.
     */
    private long writesThrough(String secret) {
        return (long) scrape().samples("krm_sync_copy_writes_total").stream()
                .filter(sample -> (namespace + "/" + secret).equals(sample.labels().get("cluster"))
                        && KRMSyncerReconciler.NAME.equals(sample.labels().get("reconciler")))
                .mapToDouble(Scrape.Sample::value).sum();
    }
}
