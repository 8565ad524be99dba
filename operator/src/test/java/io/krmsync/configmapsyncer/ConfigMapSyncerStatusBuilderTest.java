package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.krmsync.status.Reason;
import io.krmsync.status.StatusConditions;
import io.krmsync.status.StatusUpdate;
import io.krmsync.status.TransitionEvent;

/** How one reconciliation's findings become a ConfigMapSyncer's status and Events, without a cluster. */
class ConfigMapSyncerStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);

    @Test
    void everyTargetInSyncIsReadyAndASteadyStateWritesNothing() {
        StatusUpdate<ConfigMapSyncerStatus> first = synced(syncer(null, 1), "dev", "staging").build(T0);

        assertReady(first, "True", Reason.Synced);
        assertThat(first.status().getSummary()).isEqualTo("2/2");
        assertThat(first.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(first.status().getObservedGeneration()).isEqualTo(1L);
        assertThat(first.changed()).isTrue();
        assertThat(first.events()).containsExactly(TransitionEvent.normal(Reason.Synced, "2 namespace(s) in sync"));

        StatusUpdate<ConfigMapSyncerStatus> again = synced(syncer(first.status(), 1), "dev", "staging").build(T1);
        assertThat(again.changed()).isFalse();
        assertThat(again.events()).isEmpty();
        assertThat(again.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(ready(again).getLastTransitionTime()).isEqualTo(T0.toString());
    }

    @Test
    void writtenCopiesMoveLastSyncTimeEvenWhenNothingElseChanged() {
        StatusUpdate<ConfigMapSyncerStatus> first = synced(syncer(null, 1), "dev").build(T0);
        ConfigMapSyncerStatusBuilder builder = synced(syncer(first.status(), 1), "dev");
        builder.wroteCopies();

        StatusUpdate<ConfigMapSyncerStatus> update = builder.build(T1);

        assertThat(update.changed()).isTrue();
        assertThat(update.status().getLastSyncTime()).isEqualTo(T1.toString());
        assertThat(update.events()).isEmpty();
    }

    @Test
    void anOwnershipConflictOutranksOtherFailuresAndIsAnnouncedPerNamespaceOnly() {
        ConfigMapSyncerStatusBuilder builder = synced(syncer(null, 1), "dev");
        builder.failed("staging", Reason.Conflict, "ConfigMap staging/app already exists");
        builder.failed("prod", Reason.ServerError, "HTTP 500");
        builder.targeted(3);

        StatusUpdate<ConfigMapSyncerStatus> update = builder.build(T0);

        assertReady(update, "False", Reason.Conflict);
        assertThat(ready(update).getMessage()).isEqualTo("not synced to staging: Conflict, prod: ServerError");
        assertThat(update.status().getFailedNamespaces()).containsExactly("staging", "prod");
        assertThat(update.status().getFailures()).containsExactly(
                new NamespaceFailure("staging", "Conflict", "ConfigMap staging/app already exists"),
                new NamespaceFailure("prod", "ServerError", "HTTP 500"));
        assertThat(update.status().getLastSyncTime()).isNull();
        assertThat(update.events()).containsExactly(
                TransitionEvent.warning(Reason.Conflict, "namespace staging: ConfigMap staging/app already exists"),
                TransitionEvent.warning(Reason.ServerError, "namespace prod: HTTP 500"));
    }

    @Test
    void failuresWithoutAConflictArePartialOrTotal() {
        ConfigMapSyncerStatusBuilder partial = synced(syncer(null, 1), "dev");
        partial.failed("prod", Reason.Forbidden, "no");
        assertReady(partial.build(T0), "False", Reason.PartiallySynced);

        ConfigMapSyncerStatusBuilder total = new ConfigMapSyncerStatusBuilder(syncer(null, 1));
        total.failed("prod", Reason.NamespaceNotFound, "namespace prod does not exist");
        assertReady(total.build(T0), "False", Reason.SyncFailed);
    }

    @Test
    void newFailuresAreAnnouncedOnceAndCapped() {
        ConfigMapSyncerStatusBuilder builder = failingIn(syncer(null, 1), 12);
        StatusUpdate<ConfigMapSyncerStatus> first = builder.build(T0);

        assertThat(first.status().getFailures()).hasSize(12);
        assertThat(first.events()).hasSize(ConfigMapSyncerStatusBuilder.MAX_LISTED_FAILURES + 1);
        assertThat(first.events()).last().isEqualTo(
                TransitionEvent.warning(Reason.SyncFailed, "2 more namespaces failed; see status.failures"));
        assertThat(ready(first).getMessage()).endsWith("and 2 more (status.failures)");

        assertThat(failingIn(syncer(first.status(), 1), 12).build(T1).events()).isEmpty();
    }

    @Test
    void aBlockedSyncerKeepsReportingTheCopiesItLeftInPlace() {
        StatusUpdate<ConfigMapSyncerStatus> synced = synced(syncer(null, 1), "dev").build(T0);
        ConfigMapSyncerStatusBuilder builder = new ConfigMapSyncerStatusBuilder(syncer(synced.status(), 1));
        builder.blocked(Reason.SourceNotFound, "ConfigMap default/app not found");

        StatusUpdate<ConfigMapSyncerStatus> update = builder.build(T1);

        assertReady(update, "False", Reason.SourceNotFound);
        assertThat(update.status().getSource()).isEqualTo("ConfigMap default/app");
        assertThat(update.status().getSyncedNamespaces()).containsExactly("dev");
        assertThat(update.status().getSummary()).isEqualTo("1/1");
        assertThat(update.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(update.events()).containsExactly(
                TransitionEvent.warning(Reason.SourceNotFound, "ConfigMap default/app not found"));
    }

    @Test
    void aRefusedSourceReportsNoCopiesLeftAndIsAnnounced() {
        StatusUpdate<ConfigMapSyncerStatus> synced = synced(syncer(null, 1), "dev").build(T0);
        ConfigMapSyncerStatusBuilder builder = new ConfigMapSyncerStatusBuilder(syncer(synced.status(), 1));
        builder.source("ConfigMap shared/app");
        builder.targeted(1);
        builder.refused(Reason.SourceNotShared, "ConfigMap shared/app is not shared with namespace default");

        StatusUpdate<ConfigMapSyncerStatus> update = builder.build(T1);

        assertReady(update, "False", Reason.SourceNotShared);
        assertThat(update.status().getSyncedNamespaces()).isEmpty();
        assertThat(update.status().getFailures()).isEmpty();
        assertThat(update.status().getSummary()).isEqualTo("0/1");
        assertThat(update.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(update.events()).containsExactly(TransitionEvent.warning(Reason.SourceNotShared,
                "ConfigMap shared/app is not shared with namespace default"));
    }

    @Test
    void namespacesTheSelectorLeftOutAreCountedInReadysMessage() {
        ConfigMapSyncerStatusBuilder ready = synced(syncer(null, 1), "dev");
        ready.leftOut(3);
        ConfigMapSyncerStatusBuilder partial = synced(syncer(null, 1), "dev");
        partial.failed("prod", Reason.Forbidden, "no");
        partial.leftOut(1);

        String leftOut = " namespace(s) matching namespaceSelector left out: they do not accept copies from"
                + " namespace default (annotation krm-sync.io/accept-from)";
        assertThat(ready(ready.build(T0)).getMessage()).isEqualTo("1 namespace(s) in sync; 3" + leftOut);
        assertThat(ready(partial.build(T0)).getMessage()).isEqualTo("not synced to prod: Forbidden; 1" + leftOut);
    }

    @Test
    void readysTransitionTimeMovesOnlyWhenItsStatusFlips() {
        StatusUpdate<ConfigMapSyncerStatus> synced = synced(syncer(null, 1), "dev").build(T0);
        ConfigMapSyncerStatusBuilder partial = synced(syncer(synced.status(), 1), "dev");
        partial.failed("prod", Reason.Forbidden, "no");
        StatusUpdate<ConfigMapSyncerStatus> notReady = partial.build(T1);
        assertThat(ready(notReady).getLastTransitionTime()).isEqualTo(T1.toString());

        ConfigMapSyncerStatusBuilder blocked = new ConfigMapSyncerStatusBuilder(syncer(notReady.status(), 2));
        blocked.blocked(Reason.InvalidSpec, "spec.sourceNamespace is required");
        StatusUpdate<ConfigMapSyncerStatus> invalid = blocked.build(T2);
        assertThat(ready(invalid).getLastTransitionTime()).isEqualTo(T1.toString());
        assertThat(ready(invalid).getObservedGeneration()).isEqualTo(2L);
        assertThat(invalid.status().getObservedGeneration()).isEqualTo(2L);
    }

    private static ConfigMapSyncerStatusBuilder synced(ConfigMapSyncer syncer, String... namespaces) {
        ConfigMapSyncerStatusBuilder builder = new ConfigMapSyncerStatusBuilder(syncer);
        builder.source("ConfigMap default/app");
        builder.targeted(namespaces.length);
        List.of(namespaces).forEach(builder::synced);
        return builder;
    }

    private static ConfigMapSyncerStatusBuilder failingIn(ConfigMapSyncer syncer, int namespaces) {
        ConfigMapSyncerStatusBuilder builder = new ConfigMapSyncerStatusBuilder(syncer);
        IntStream.range(0, namespaces).forEach(i -> builder.failed("ns-" + i, Reason.Forbidden, "no"));
        return builder;
    }

    private static ConfigMapSyncer syncer(ConfigMapSyncerStatus status, long generation) {
        ConfigMapSyncer syncer = new ConfigMapSyncer();
        syncer.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("fanout")
                .withGeneration(generation).build());
        syncer.setStatus(status);
        return syncer;
    }

    private static Condition ready(StatusUpdate<ConfigMapSyncerStatus> update) {
        return StatusConditions.find(update.status().getConditions(), StatusConditions.READY).orElseThrow();
    }

    private static void assertReady(StatusUpdate<ConfigMapSyncerStatus> update, String status, Reason reason) {
        assertThat(ready(update).getStatus()).as(ready(update).getMessage()).isEqualTo(status);
        assertThat(ready(update).getReason()).isEqualTo(reason.name());
    }
}
