package io.krmsync.krmsyncer;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Condition;
import io.krmsync.status.Readiness;
import io.krmsync.status.Reason;
import io.krmsync.status.StatusConditions;
import io.krmsync.status.SyncerStatusBuilder;
import io.krmsync.status.TransitionEvent;

/**
 * A KRMSyncer's next status, fed by one reconciliation: suspended (the {@code Suspended} condition, from the spec),
 * blocked before any rule ran (the destination's Secret or kubeconfig, an outage), or the outcome of a pass over the
 * rules. When blocked or suspended, the copies at the destination stay, and so does what status says about them.
 * <p>
 * Events: one when Ready's reason changes, and one per rule when it is newly refused by tenancy: Ready's reason is the
 * first failing rule's, so a refusal on another rule would otherwise go without an Event.
 */
final class KRMSyncerStatusBuilder extends SyncerStatusBuilder<KRMSyncerStatus> {

    static final String SUSPENDED_CONDITION = "Suspended";

    /** Rule reasons that say a tenant's KRMSyncer reached beyond its authority (docs/tenancy.md). */
    static final Set<Reason> REFUSALS = EnumSet.of(Reason.SourceNotShared, Reason.ClusterScopedKindNotAllowed);

    private final Suspension suspension;
    private String destination;
    private Readiness blocked;
    private PassResult pass;

    KRMSyncerStatusBuilder(KRMSyncer syncer) {
        super(syncer.getStatus() == null ? new KRMSyncerStatus() : syncer.getStatus(),
                syncer.getMetadata().getGeneration());
        this.suspension = Suspension.of(syncer.getSpec());
    }

    boolean suspended() {
        return suspension.suspended();
    }

    /** The destination connected to; kept from the last status until one is. */
    void destination(String server) {
        destination = server;
    }

    void blocked(Reason reason, String message) {
        blocked = Readiness.notReady(reason, message);
    }

    void passed(PassResult pass) {
        this.pass = pass;
        if (pass.wrote()) {
            wroteCopies();
        }
    }

    /**
     * Whether the last status says Synced for this very spec: watches starting again (an operator restart) with
     * nothing known to have changed need not be reported in between.
     */
    boolean wasSyncedAsIs() {
        return Objects.equals(previous.getObservedGeneration(), generation())
                && StatusConditions.find(previous.getConditions(), StatusConditions.READY)
                        .filter(ready -> Reason.Synced.name().equals(ready.getReason())).isPresent()
                && !StatusConditions.isTrue(previous.getConditions(), SUSPENDED_CONDITION);
    }

    @Override
    protected KRMSyncerStatus next() {
        KRMSyncerStatus next = new KRMSyncerStatus();
        next.setDestination(destination == null ? previous.getDestination() : destination);
        if (pass == null) {
            next.setRules(previous.getRules());
            next.setSummary(previous.getSummary());
            return next;
        }
        next.setRules(pass.rules());
        next.setSummary(pass.summary());
        announceNewRefusals();
        return next;
    }

    /** A Warning Event per rule refused with a reason, or a message, it did not have in the last status. */
    private void announceNewRefusals() {
        Set<String> known = previous.getRules().stream().map(KRMSyncerStatusBuilder::refusal)
                .collect(Collectors.toSet());
        pass.rules().stream().filter(rule -> rule.getReason() != null)
                .filter(rule -> REFUSALS.contains(Reason.valueOf(rule.getReason())))
                .filter(rule -> !known.contains(refusal(rule)))
                .forEach(rule -> announce(TransitionEvent.warning(Reason.valueOf(rule.getReason()),
                        rule.getKind() + ": " + rule.getLastError())));
    }

    private static String refusal(RuleStatus rule) {
        return rule.gvk() + "|" + rule.getReason() + "|" + rule.getLastError();
    }

    @Override
    protected Readiness readiness(KRMSyncerStatus next) {
        if (suspension.suspended()) {
            return Readiness.ready(Reason.Suspended, suspension.message());
        }
        if (blocked != null) {
            return blocked;
        }
        List<RuleStatus> failing = pass.rules().stream().filter(r -> r.getReason() != null).toList();
        if (!failing.isEmpty()) {
            String detail = failing.stream().map(r -> r.getKind() + ": " + r.getLastError())
                    .reduce((a, b) -> a + "; " + b).orElse("");
            // Rule reasons are set from Reason constants by this pass, never read back from a stored status.
            return Readiness.notReady(Reason.valueOf(failing.get(0).getReason()), detail);
        }
        if (pass.pending()) {
            return Readiness.notReady(Reason.WatchesStarting,
                    "waiting for the watches on the rules' kinds to list them");
        }
        return Readiness.ready(Reason.Synced,
                pass.summary() + " objects in sync at " + pass.destination());
    }

    @Override
    protected List<Condition> otherConditions(Instant now) {
        return StatusConditions.with(previous.getConditions(), SUSPENDED_CONDITION, suspension.suspended(),
                suspension.reason(), suspension.message(), generation(), now);
    }

    @Override
    protected boolean syncing(Readiness readiness) {
        return readiness.ready() && readiness.reason() != Reason.Suspended;
    }

    /**
     * Waiting for watches to list is a step of every start and resume, not news worth an Event; a refusal has had its
     * own Event, per rule.
     */
    @Override
    protected boolean announces(Readiness readiness) {
        return readiness.reason() != Reason.WatchesStarting && !REFUSALS.contains(readiness.reason());
    }
}
