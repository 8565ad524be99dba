package io.krmsync.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.DOUBLE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.configmapsyncer.ConfigMapSyncerReconciler;
import io.krmsync.status.StatusConditions;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The per-syncer gauges as Prometheus scrapes them for ConfigMapSyncers ({@code krm_sync_syncer_ready},
 * {@code krm_sync_syncer_last_sync_timestamp_seconds}, {@code krm_sync_syncer_last_ready_timestamp_seconds}); the
 * KRMSyncer's are in KRMSyncerLifecycleTest.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class SyncerMetricsTest {

    private static final String READY = "krm_sync_syncer_ready";
    private static final String LAST_SYNC = "krm_sync_syncer_last_sync_timestamp_seconds";
    private static final String LAST_READY = "krm_sync_syncer_last_ready_timestamp_seconds";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Inject
    KubernetesClient client;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aReadySyncerShowsOneAndTheTimeOfItsLastSync() {
        Syncer syncer = new Syncer("ready");
        syncer.createSourceAndTarget();
        syncer.apply();
        ConfigMapSyncer ready = syncer.awaitReady("True");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, syncer.labels())).contains(1.0);
            assertThat(scrape.value(LAST_SYNC, syncer.labels())).get(DOUBLE)
                    .isCloseTo(Scrape.timestampSeconds(ready.getStatus().getLastSyncTime()), within(0.001));
            assertThat(scrape.value(LAST_READY, syncer.labels())).get(DOUBLE)
                    .isGreaterThanOrEqualTo(Scrape.timestampSeconds(ready.getStatus().getLastSyncTime()));
        });
    }

    /**
     * Why the "not syncing" alert reads the last-Ready time and not the last sync: with nothing to copy, a
     * reconciliation writes nothing and leaves status.lastSyncTime where it was.
     */
    @Test
    void anIdleSyncerKeepsItsLastSyncTimeWhileEveryReconciliationMovesItsLastReadyTime() {
        Syncer syncer = new Syncer("idle");
        syncer.createSourceAndTarget();
        syncer.apply();
        String lastSyncTime = syncer.awaitReady("True").getStatus().getLastSyncTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, syncer.labels()).isPresent());
        double lastReady = scrape().value(LAST_READY, syncer.labels()).orElseThrow();

        // A change that reaches the syncer (its target namespace) but leaves nothing to copy.
        new Kubectl(client).labelNamespace(syncer.target(), "touched", "yes");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrape().value(LAST_READY, syncer.labels())).get(DOUBLE).isGreaterThan(lastReady));
        assertThat(syncer.get().getStatus().getLastSyncTime()).isEqualTo(lastSyncTime);
        assertThat(scrape().value(LAST_SYNC, syncer.labels())).get(DOUBLE)
                .isCloseTo(Scrape.timestampSeconds(lastSyncTime), within(0.001));
    }

    @Test
    void aSyncerThatNeverSyncedShowsZeroAndNoTimes() {
        Syncer syncer = new Syncer("never");
        new Kubectl(client).createNamespace(syncer.namespace());
        syncer.apply();
        syncer.awaitReady("False");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, syncer.labels())).contains(0.0);
            assertThat(scrape.value(LAST_SYNC, syncer.labels())).isEmpty();
            assertThat(scrape.value(LAST_READY, syncer.labels())).isEmpty();
        });
    }

    @Test
    void aSyncerThatBreaksShowsZeroAndKeepsItsLastTimes() {
        Syncer syncer = new Syncer("breaks");
        syncer.createSourceAndTarget();
        syncer.apply();
        syncer.awaitReady("True");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, syncer.labels()).isPresent());
        double lastSync = scrape().value(LAST_SYNC, syncer.labels()).orElseThrow();
        double lastReady = scrape().value(LAST_READY, syncer.labels()).orElseThrow();

        client.configMaps().inNamespace(syncer.namespace()).withName("source").delete();
        syncer.awaitReady("False");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, syncer.labels())).contains(0.0);
            assertThat(scrape.value(LAST_SYNC, syncer.labels())).contains(lastSync);
            assertThat(scrape.value(LAST_READY, syncer.labels())).contains(lastReady);
        });
    }

    @Test
    void aDeletedSyncerLeavesNoSeries() {
        Syncer syncer = new Syncer("deleted");
        syncer.createSourceAndTarget();
        syncer.apply();
        syncer.awaitReady("True");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, syncer.labels()).isPresent());

        new Kubectl(client).deleteSyncer(syncer.namespace(), syncer.name());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, syncer.labels())).isEmpty();
            assertThat(scrape.value(LAST_SYNC, syncer.labels())).isEmpty();
            assertThat(scrape.value(LAST_READY, syncer.labels())).isEmpty();
        });
    }

    private Scrape scrape() {
        return Scrape.of(new OperatorEndpoints(port));
    }

    /** A ConfigMapSyncer named NAME in its own namespace, copying ConfigMap "source" to a namespace of its own. */
    private final class Syncer {

        private final String name;
        private final String namespace;

        Syncer(String name) {
            this.name = name;
            this.namespace = "gauges-" + name + "-" + COUNTER.incrementAndGet();
        }

        String name() {
            return name;
        }

        String namespace() {
            return namespace;
        }

        String target() {
            return namespace + "-target";
        }

        Map<String, String> labels() {
            return Map.of("reconciler", ConfigMapSyncerReconciler.NAME, "namespace", namespace, "name", name);
        }

        void createSourceAndTarget() {
            Kubectl kubectl = new Kubectl(client);
            kubectl.createNamespace(namespace);
            kubectl.createNamespace(target());
            kubectl.createConfigMap(namespace, "source", "k=v");
        }

        void apply() {
            new Kubectl(client).apply("""
                    apiVersion: config.example.com/v1alpha1
                    kind: ConfigMapSyncer
                    metadata:
                      name: %s
                      namespace: %s
                    spec:
                      sourceNamespace: %s
                      sourceConfigMap: source
                      targetNamespaces: [%s]
                    """.formatted(name, namespace, namespace, target()), ConfigMapSyncer.class);
        }

        ConfigMapSyncer get() {
            return new Kubectl(client).syncer(namespace, name);
        }

        /** kubectl wait --for=condition=Ready=STATUS */
        ConfigMapSyncer awaitReady(String status) {
            await().atMost(Duration.ofSeconds(20)).until(() -> get().getStatus() != null && StatusConditions
                    .find(get().getStatus().getConditions(), StatusConditions.READY)
                    .filter(ready -> status.equals(ready.getStatus())).isPresent());
            return get();
        }
    }
}
