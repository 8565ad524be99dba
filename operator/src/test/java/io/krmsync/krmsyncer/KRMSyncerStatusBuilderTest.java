package io.krmsync.krmsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.krmsync.status.Reason;
import io.krmsync.status.StatusConditions;
import io.krmsync.status.StatusUpdate;
import io.krmsync.status.TransitionEvent;

/** How one reconciliation's findings become a KRMSyncer's status and Events, without a cluster. */
class KRMSyncerStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(30);
    private static final String SERVER = "https://cluster2:6443";

    @Test
    void aPassWithEveryRuleInSyncIsReady() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.destination(SERVER);
        builder.passed(new PassResult(List.of(rule("ConfigMap", 3, 0, null)), true, false, SERVER));

        StatusUpdate<KRMSyncerStatus> update = builder.build(T0);

        assertCondition(update, StatusConditions.READY, "True", Reason.Synced);
        assertThat(condition(update, StatusConditions.READY).getMessage()).isEqualTo("3/3 objects in sync at " + SERVER);
        assertCondition(update, KRMSyncerStatusBuilder.SUSPENDED_CONDITION, "False", Reason.Active);
        assertThat(update.status().getSummary()).isEqualTo("3/3");
        assertThat(update.status().getDestination()).isEqualTo(SERVER);
        assertThat(update.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(update.events()).containsExactly(
                TransitionEvent.normal(Reason.Synced, "3/3 objects in sync at " + SERVER));
    }

    @Test
    void theFirstFailingRuleGivesReadyItsReason() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.passed(new PassResult(List.of(rule("ConfigMap", 2, 0, null),
                rule("Ingress", 0, 0, Reason.Forbidden), rule("Secret", 1, 1, Reason.Conflict)), false, false, SERVER));

        StatusUpdate<KRMSyncerStatus> update = builder.build(T0);

        assertCondition(update, StatusConditions.READY, "False", Reason.Forbidden);
        assertThat(condition(update, StatusConditions.READY).getMessage())
                .isEqualTo("Ingress: Forbidden failed; Secret: Conflict failed");
        assertThat(update.status().getSummary()).isEqualTo("3/4");
        assertThat(update.status().getLastSyncTime()).isNull();
    }

    @Test
    void aRefusalOnAnyRuleIsAnnouncedOnceWhateverReadySays() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.passed(new PassResult(List.of(rule("Nope", 0, 0, Reason.RuleInvalid),
                rule("Secret", 1, 2, Reason.SourceNotShared), rule("ClusterRole", 0, 0,
                        Reason.ClusterScopedKindNotAllowed)), false, false, SERVER));

        StatusUpdate<KRMSyncerStatus> first = builder.build(T0);

        assertCondition(first, StatusConditions.READY, "False", Reason.RuleInvalid);
        assertThat(first.events()).containsExactlyInAnyOrder(
                TransitionEvent.warning(Reason.SourceNotShared, "Secret: SourceNotShared failed"),
                TransitionEvent.warning(Reason.ClusterScopedKindNotAllowed,
                        "ClusterRole: ClusterScopedKindNotAllowed failed"),
                TransitionEvent.warning(Reason.RuleInvalid, "Nope: RuleInvalid failed; Secret: SourceNotShared failed;"
                        + " ClusterRole: ClusterScopedKindNotAllowed failed"));

        // The invalid rule fixed: Ready now says the refusal, already announced.
        KRMSyncerStatusBuilder next = new KRMSyncerStatusBuilder(syncer(first.status(), null));
        next.passed(new PassResult(List.of(rule("Nope", 0, 0, null), rule("Secret", 1, 2, Reason.SourceNotShared)),
                false, false, SERVER));
        StatusUpdate<KRMSyncerStatus> second = next.build(T1);

        assertCondition(second, StatusConditions.READY, "False", Reason.SourceNotShared);
        assertThat(second.events()).isEmpty();
    }

    @Test
    void aRefusalWhoseMessageChangesIsAnnouncedAgain() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.passed(new PassResult(List.of(rule("Secret", 1, 2, Reason.SourceNotShared)), false, false, SERVER));
        StatusUpdate<KRMSyncerStatus> first = builder.build(T0);
        assertThat(first.events()).containsExactly(
                TransitionEvent.warning(Reason.SourceNotShared, "Secret: SourceNotShared failed"));

        RuleStatus moreObjects = rule("Secret", 1, 3, null);
        moreObjects.problem(Reason.SourceNotShared, "3 objects in team-b (3) not shared");
        KRMSyncerStatusBuilder next = new KRMSyncerStatusBuilder(syncer(first.status(), null));
        next.passed(new PassResult(List.of(moreObjects), false, false, SERVER));

        assertThat(next.build(T1).events()).containsExactly(
                TransitionEvent.warning(Reason.SourceNotShared, "Secret: 3 objects in team-b (3) not shared"));
    }

    @Test
    void watchesStillListingAreReportedWithoutAnEvent() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.passed(new PassResult(List.of(), false, true, SERVER));

        StatusUpdate<KRMSyncerStatus> update = builder.build(T0);

        assertCondition(update, StatusConditions.READY, "False", Reason.WatchesStarting);
        assertThat(update.events()).isEmpty();
    }

    @Test
    void suspendedIsReadyButNotSyncingAndKeepsWhatItLastReported() {
        StatusUpdate<KRMSyncerStatus> synced = syncedOnce();
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(synced.status(), true));

        StatusUpdate<KRMSyncerStatus> update = builder.build(T1);

        assertCondition(update, StatusConditions.READY, "True", Reason.Suspended);
        assertCondition(update, KRMSyncerStatusBuilder.SUSPENDED_CONDITION, "True", Reason.Suspended);
        assertThat(update.status().getRules()).extracting(RuleStatus::getKind).containsExactly("ConfigMap");
        assertThat(update.status().getDestination()).isEqualTo(SERVER);
        assertThat(update.status().getLastSyncTime()).isEqualTo(T0.toString());
        assertThat(update.events()).extracting(TransitionEvent::reason).containsExactly(Reason.Suspended);
    }

    @Test
    void aBlockedSyncerKeepsItsRulesAndSaysWhy() {
        StatusUpdate<KRMSyncerStatus> synced = syncedOnce();
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(synced.status(), null));
        builder.blocked(Reason.SecretNotFound, "Secret default/dest not found");

        StatusUpdate<KRMSyncerStatus> update = builder.build(T1);

        assertCondition(update, StatusConditions.READY, "False", Reason.SecretNotFound);
        assertThat(update.status().getRules()).extracting(RuleStatus::getKind).containsExactly("ConfigMap");
        assertThat(update.status().getSummary()).isEqualTo("1/1");
        assertThat(update.events()).containsExactly(
                TransitionEvent.warning(Reason.SecretNotFound, "Secret default/dest not found"));
    }

    @Test
    void onlyASyncedStatusOfTheSameSpecCountsAsSyncedAsIs() {
        StatusUpdate<KRMSyncerStatus> synced = syncedOnce();
        assertThat(new KRMSyncerStatusBuilder(syncer(synced.status(), null)).wasSyncedAsIs()).isTrue();

        KRMSyncer edited = syncer(synced.status(), null);
        edited.getMetadata().setGeneration(2L);
        assertThat(new KRMSyncerStatusBuilder(edited).wasSyncedAsIs()).isFalse();
        assertThat(new KRMSyncerStatusBuilder(syncer(null, null)).wasSyncedAsIs()).isFalse();
    }

    private static StatusUpdate<KRMSyncerStatus> syncedOnce() {
        KRMSyncerStatusBuilder builder = new KRMSyncerStatusBuilder(syncer(null, null));
        builder.destination(SERVER);
        builder.passed(new PassResult(List.of(rule("ConfigMap", 1, 0, null)), true, false, SERVER));
        return builder.build(T0);
    }

    private static RuleStatus rule(String kind, int synced, int failed, Reason reason) {
        RuleStatus rule = new RuleStatus(new GroupVersionKind("", "v1", kind));
        rule.setSynced(synced);
        rule.setFailed(failed);
        if (reason != null) {
            rule.problem(reason, reason + " failed");
        }
        return rule;
    }

    private static KRMSyncer syncer(KRMSyncerStatus status, Boolean suspend) {
        KRMSyncer syncer = new KRMSyncer();
        syncer.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("push").withGeneration(1L)
                .build());
        KRMSyncerSpec spec = new KRMSyncerSpec();
        spec.setSuspend(suspend);
        syncer.setSpec(spec);
        syncer.setStatus(status);
        return syncer;
    }

    private static Condition condition(StatusUpdate<KRMSyncerStatus> update, String type) {
        return StatusConditions.find(update.status().getConditions(), type).orElseThrow();
    }

    private static void assertCondition(StatusUpdate<KRMSyncerStatus> update, String type, String status,
            Reason reason) {
        Condition condition = condition(update, type);
        assertThat(condition.getStatus()).as(condition.getMessage()).isEqualTo(status);
        assertThat(condition.getReason()).isEqualTo(reason.name());
    }
}
