package io.krmsync.configmapsyncer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.krmsync.status.Readiness;
import io.krmsync.status.Reason;
import io.krmsync.status.SyncerStatusBuilder;
import io.krmsync.status.TransitionEvent;
import io.krmsync.tenancy.Consent;

/**
 * A ConfigMapSyncer's next status, fed by one reconciliation: the source, each target namespace synced or failed, and,
 * when nothing could be synced, why. Ready follows from the failures: {@code Conflict} when a target belongs to someone
 * else, {@code PartiallySynced} or {@code SyncFailed} otherwise. Each new per-namespace failure gets a Warning Event.
 * Namespaces the selector matched but the syncer may not write into are named by count in Ready's message.
 */
final class ConfigMapSyncerStatusBuilder extends SyncerStatusBuilder<ConfigMapSyncerStatus> {

    /** Failures named in the Ready message and given an Event each; status.failures always lists them all. */
    static final int MAX_LISTED_FAILURES = 10;
    /** Summaries of per-namespace failures, which already have their own Events. */
    private static final Set<Reason> PER_NAMESPACE = Set.of(Reason.Conflict, Reason.PartiallySynced, Reason.SyncFailed);

    private record Failure(String namespace, Reason reason, String message) {

        NamespaceFailure inStatus() {
            return new NamespaceFailure(namespace, reason.name(), message);
        }
    }

    private final String syncerNamespace;
    private String source;
    private Readiness blocked;
    private Readiness refused;
    private int leftOut;
    private List<String> missingKeys = List.of();
    private int targeted;
    private final List<String> synced = new ArrayList<>();
    private final List<Failure> failures = new ArrayList<>();

    ConfigMapSyncerStatusBuilder(ConfigMapSyncer syncer) {
        super(syncer.getStatus() == null ? new ConfigMapSyncerStatus() : syncer.getStatus(),
                syncer.getMetadata().getGeneration());
        syncerNamespace = syncer.getMetadata().getNamespace();
    }

    void source(String description) {
        source = description;
    }

    void missingKeys(List<String> keys) {
        missingKeys = keys;
    }

    /** The namespaces targeted, not counting those being deleted. */
    void targeted(int namespaces) {
        targeted = namespaces;
    }

    /** Namespaces matching namespaceSelector that do not accept this syncer's copies, and so are not targets. */
    void leftOut(int namespaces) {
        leftOut = namespaces;
    }

    void synced(String namespace) {
        synced.add(namespace);
    }

    void failed(String namespace, Reason reason, String message) {
        failures.add(new Failure(namespace, reason, message));
    }

    /** Nothing could be synced: the copies stay where they are, so status keeps reporting them. */
    void blocked(Reason reason, String message) {
        blocked = Readiness.notReady(reason, message);
    }

    /**
     * Nothing may be synced, and the copies made before are deleted: status lists none, and failures only of the
     * deletes.
     */
    void refused(Reason reason, String message) {
        refused = Readiness.notReady(reason, message);
    }

    @Override
    protected ConfigMapSyncerStatus next() {
        ConfigMapSyncerStatus next = new ConfigMapSyncerStatus();
        next.setSource(source == null ? previous.getSource() : source);
        if (blocked != null) {
            next.setSummary(previous.getSummary());
            next.setSyncedNamespaces(previous.getSyncedNamespaces());
            next.setFailedNamespaces(previous.getFailedNamespaces());
            next.setFailures(previous.getFailures());
            next.setMissingKeys(previous.getMissingKeys());
            return next;
        }
        next.setSummary(synced.size() + "/" + targeted);
        next.setSyncedNamespaces(List.copyOf(synced));
        next.setFailures(failures.stream().map(Failure::inStatus).toList());
        next.setFailedNamespaces(failures.stream().map(Failure::namespace).toList());
        next.setMissingKeys(missingKeys);
        announceNewFailures();
        return next;
    }

    @Override
    protected Readiness readiness(ConfigMapSyncerStatus next) {
        if (blocked != null) {
            return blocked;
        }
        if (refused != null) {
            return refused;
        }
        if (failures.isEmpty()) {
            return Readiness.ready(Reason.Synced, synced.size() + " namespace(s) in sync"
                    + (missingKeys.isEmpty() ? "" : "; keys missing from the source: " + missingKeys) + leftOutNote());
        }
        String detail = "not synced to " + failures.stream().limit(MAX_LISTED_FAILURES)
                .map(f -> f.namespace() + ": " + f.reason()).collect(Collectors.joining(", "))
                + (failures.size() > MAX_LISTED_FAILURES
                        ? " and " + (failures.size() - MAX_LISTED_FAILURES) + " more (status.failures)" : "")
                + leftOutNote();
        if (failures.stream().anyMatch(f -> f.reason() == Reason.Conflict)) {
            return Readiness.notReady(Reason.Conflict, detail);
        }
        return Readiness.notReady(synced.isEmpty() ? Reason.SyncFailed : Reason.PartiallySynced, detail);
    }

    private String leftOutNote() {
        return leftOut == 0 ? "" : "; " + leftOut + " namespace(s) matching namespaceSelector left out: they do not"
                + " accept copies from namespace " + syncerNamespace + " (annotation " + Consent.ACCEPT_FROM + ")";
    }

    @Override
    protected boolean announces(Readiness readiness) {
        return readiness.ready() || !PER_NAMESPACE.contains(readiness.reason());
    }

    private void announceNewFailures() {
        Set<NamespaceFailure> known = new HashSet<>(previous.getFailures());
        List<Failure> fresh = failures.stream().filter(f -> !known.contains(f.inStatus())).toList();
        fresh.stream().limit(MAX_LISTED_FAILURES).forEach(f -> announce(TransitionEvent.warning(f.reason(),
                "namespace " + f.namespace() + ": " + f.message())));
        if (fresh.size() > MAX_LISTED_FAILURES) {
            announce(TransitionEvent.warning(Reason.SyncFailed,
                    (fresh.size() - MAX_LISTED_FAILURES) + " more namespaces failed; see status.failures"));
        }
    }
}
