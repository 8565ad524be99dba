package io.krmsync.observability;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.DOUBLE;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.configmapsyncer.ConfigMapSyncerReconciler;
import io.krmsync.status.StatusConditions;
import io.krmsync.testing.Kubectl;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorEndpoints;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Scrape;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The per-syncer gauges as Prometheus scrapes them for ConfigMapSyncers ({@code krm_sync_syncer_ready},
 * {@code krm_sync_syncer_last_sync_timestamp_seconds}, {@code krm_sync_syncer_last_ready_timestamp_seconds}); the
 * KRMSyncer's are in KRMSyncerLifecycleTest. Each test's syncer copies ConfigMap "source" of the test's namespace to
 * a namespace of its own.
 */
@QuarkusTest
class SyncerMetricsTest extends OperatorTest {

    private static final String READY = "krm_sync_syncer_ready";
    private static final String LAST_SYNC = "krm_sync_syncer_last_sync_timestamp_seconds";
    private static final String LAST_READY = "krm_sync_syncer_last_ready_timestamp_seconds";

    @Test
    void aReadySyncerShowsOneAndTheTimeOfItsLastSync() {
        ConfigMapSyncer syncer = applyWithSourceAndTarget("ready");
        awaitReady(syncer, "Synced");
        ConfigMapSyncer ready = latest(syncer);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, labels(syncer))).contains(1.0);
            assertThat(scrape.value(LAST_SYNC, labels(syncer))).get(DOUBLE)
                    .isCloseTo(Scrape.timestampSeconds(ready.getStatus().getLastSyncTime()), within(0.001));
            assertThat(scrape.value(LAST_READY, labels(syncer))).get(DOUBLE)
                    .isGreaterThanOrEqualTo(Scrape.timestampSeconds(ready.getStatus().getLastSyncTime()));
        });
    }

    /**
     * Why the "not syncing" alert reads the last-Ready time and not the last sync: with nothing to copy, a
     * reconciliation writes nothing and leaves status.lastSyncTime where it was.
     */
    @Test
    void anIdleSyncerKeepsItsLastSyncTimeWhileEveryReconciliationMovesItsLastReadyTime() {
        ConfigMapSyncer syncer = applyWithSourceAndTarget("idle");
        awaitReady(syncer, "Synced");
        String lastSyncTime = latest(syncer).getStatus().getLastSyncTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, labels(syncer)).isPresent());
        double lastReady = scrape().value(LAST_READY, labels(syncer)).orElseThrow();

        // A change that reaches the syncer (its target namespace) but leaves nothing to copy.
        kubectl().labelNamespace(target(), "touched", "yes");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrape().value(LAST_READY, labels(syncer))).get(DOUBLE).isGreaterThan(lastReady));
        assertThat(latest(syncer).getStatus().getLastSyncTime()).isEqualTo(lastSyncTime);
        assertThat(scrape().value(LAST_SYNC, labels(syncer))).get(DOUBLE)
                .isCloseTo(Scrape.timestampSeconds(lastSyncTime), within(0.001));
    }

    @Test
    void aSyncerThatNeverSyncedShowsZeroAndNoTimes() {
        ConfigMapSyncer syncer = apply(syncer("never"));
        awaitNotReady(syncer, "SourceNotFound");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, labels(syncer))).contains(0.0);
            assertThat(scrape.value(LAST_SYNC, labels(syncer))).isEmpty();
            assertThat(scrape.value(LAST_READY, labels(syncer))).isEmpty();
        });
    }

    @Test
    void aSyncerThatBreaksShowsZeroAndKeepsItsLastTimes() {
        ConfigMapSyncer syncer = applyWithSourceAndTarget("breaks");
        awaitReady(syncer, "Synced");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, labels(syncer)).isPresent());
        double lastSync = scrape().value(LAST_SYNC, labels(syncer)).orElseThrow();
        double lastReady = scrape().value(LAST_READY, labels(syncer)).orElseThrow();

        kubectl().deleteConfigMap(namespace, "source");
        awaitNotReady(syncer, "SourceNotFound");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, labels(syncer))).contains(0.0);
            assertThat(scrape.value(LAST_SYNC, labels(syncer))).contains(lastSync);
            assertThat(scrape.value(LAST_READY, labels(syncer))).contains(lastReady);
        });
    }

    @Test
    void aDeletedSyncerLeavesNoSeries() {
        ConfigMapSyncer syncer = applyWithSourceAndTarget("deleted");
        awaitReady(syncer, "Synced");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape().value(LAST_READY, labels(syncer)).isPresent());

        kubectl().delete(syncer);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value(READY, labels(syncer))).isEmpty();
            assertThat(scrape.value(LAST_SYNC, labels(syncer))).isEmpty();
            assertThat(scrape.value(LAST_READY, labels(syncer))).isEmpty();
        });
    }

    /** The namespace the syncer copies to; created by {@link #applyWithSourceAndTarget}. */
    private String target() {
        return namespace + "-target";
    }

    private ConfigMapSyncer applyWithSourceAndTarget(String name) {
        namespace("target");
        kubectl().createConfigMap(namespace, "source", "k=v");
        return apply(syncer(name));
    }

    private Manifest<ConfigMapSyncer> syncer(String name) {
        return configMapSyncer(name, target()).with("spec.sourceConfigMap", "source");
    }

    private static Map<String, String> labels(ConfigMapSyncer syncer) {
        return Map.of("reconciler", ConfigMapSyncerReconciler.NAME, "namespace", syncer.getMetadata().getNamespace(),
                "name", syncer.getMetadata().getName());
    }
}
