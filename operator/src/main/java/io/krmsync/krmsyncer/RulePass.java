package io.krmsync.krmsyncer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.krmsync.krmsyncer.DestinationCluster.Copies;
import io.krmsync.krmsyncer.SourceWatches.Watch;
import io.krmsync.krmsyncer.SourceWatches.WatchKey;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.Reason;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyResult;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.TrackingMetadata.Ownership;
import io.krmsync.sync.UncopyableObjectException;
import io.krmsync.tenancy.Authority;

/**
 * One reconcile of one KRMSyncer against a reachable destination: per kind named by its rules, every selected object
 * the KRMSyncer's {@link Authority} lets it read ({@link SourceScope}) brought in line at the destination, then the
 * copies whose source is gone (or no longer selected, or no longer shared) deleted. A rule that cannot be watched,
 * resolved or written, or that reaches beyond the KRMSyncer's authority, fails alone. Copies of a kind are only swept
 * once both the source watches and the destination's copy watch have listed everything, so a half-filled cache never
 * deletes a copy.
 *
 * @throws KubernetesClientException (from {@link #run}) only when the destination does not answer or refuses the
 *         credentials: the caller stops the whole pass
 */
final class RulePass {

    private static final Logger LOG = Logger.getLogger(RulePass.class);

    private final KRMSyncer syncer;
    private final ResourceID id;
    private final CopyOwner owner;
    private final DestinationCluster destination;
    private final SourceWatches sources;
    private final SourceAccess access;
    private final CopyEngine engine;
    private final SourceObservations observations;
    private final SyncMetrics metrics;
    private final String clusterName;
    private final ConflictPolicy policy;
    private final List<RuleStatus> ruleStatuses = new ArrayList<>();
    private boolean wrote;
    private boolean pending;

    RulePass(KRMSyncer syncer, CopyOwner owner, DestinationCluster destination, SourceWatches sources,
            SourceAccess access, CopyEngine engine, SourceObservations observations, SyncMetrics metrics,
            String clusterName) {
        this.syncer = syncer;
        this.id = ResourceID.fromResource(syncer);
        this.owner = owner;
        this.destination = destination;
        this.sources = sources;
        this.access = access;
        this.engine = engine;
        this.observations = observations;
        this.metrics = metrics;
        this.clusterName = clusterName;
        this.policy = Objects.requireNonNullElse(syncer.getSpec().getConflictPolicy(), ConflictPolicy.Skip);
    }

    /** @param previousRules the kinds the last status listed: those no longer in the spec lose their copies */
    PassResult run(List<RuleStatus> previousRules) {
        destination.checkReachable();
        Map<GroupVersionKind, List<SyncRule>> rulesByKind = new LinkedHashMap<>();
        for (SyncRule rule : syncer.getSpec().getRules()) {
            rulesByKind.computeIfAbsent(rule.gvk(), key -> new ArrayList<>()).add(rule);
        }
        Set<WatchKey> watched = new HashSet<>();
        Set<RuleKind> copiesWatched = new HashSet<>();
        for (List<SyncRule> rules : rulesByKind.values()) {
            ruleStatuses.add(syncKind(rules, watched, copiesWatched));
        }
        sources.retain(id, watched);
        for (RuleStatus removed : previousRules) {
            if (!rulesByKind.containsKey(removed.gvk())) {
                deleteCopiesOfRemovedRule(removed);
            }
        }
        destination.retainCopies(copiesWatched);
        return new PassResult(List.copyOf(ruleStatuses), wrote, pending, destination.server());
    }

    /**
     * One kind's rules: its sources watched here, its copies there, and, once both watches have listed, every selected
     * object synced. A rule that fails does so alone.
     */
    private RuleStatus syncKind(List<SyncRule> rules, Set<WatchKey> watched, Set<RuleKind> copiesWatched) {
        GroupVersionKind gvk = rules.get(0).gvk();
        RuleStatus status = new RuleStatus(gvk);
        try {
            RuleKind sourceKind = sources.kind(gvk);
            SourceScope scope = SourceScope.of(access.authority(), sourceKind, rules);
            RuleKind destinationKind = destination.kind(gvk);
            if (sourceKind.namespaced() != destinationKind.namespaced()) {
                throw new RuleFailure(Reason.RuleInvalid, gvk.kind()
                        + " is namespaced in one cluster and cluster-scoped in the other");
            }
            List<Watch> watches = new ArrayList<>();
            for (WatchKey key : scope.watchKeys()) {
                watches.add(acquire(key));
                watched.add(key);
            }
            Copies copies = destination.copies(destinationKind);
            copiesWatched.add(destinationKind);
            if (copies.synced() && watches.stream().allMatch(Watch::synced)) {
                syncObjects(status, scope, watches, copies);
            } else {
                pending = true;
            }
        } catch (RuleFailure failure) {
            status.problem(failure.reason(), failure.getMessage());
        } catch (KubernetesClientException e) {
            rethrowIfDestinationGone(e);
            status.problem(ApiErrors.reason(e), ApiErrors.message(e));
        }
        return status;
    }

    /** deletionPolicy Delete: every copy this KRMSyncer made, of every kind it ever named, found by marker. */
    static void deleteAllCopies(KRMSyncer syncer, CopyOwner owner, DestinationCluster destination, CopyEngine engine)
            throws RuleFailure {
        Set<GroupVersionKind> kinds = new LinkedHashSet<>();
        syncer.getSpec().getRules().forEach(rule -> kinds.add(rule.gvk()));
        if (syncer.getStatus() != null) {
            syncer.getStatus().getRules().forEach(rule -> kinds.add(rule.gvk()));
        }
        for (GroupVersionKind gvk : kinds) {
            RuleKind kind;
            try {
                kind = destination.kind(gvk);
            } catch (RuleFailure notServed) {
                continue; // a kind the destination does not serve holds no copies
            }
            deleteCopies(owner, destination, engine, kind);
        }
    }

    private static int deleteCopies(CopyOwner owner, DestinationCluster destination, CopyEngine engine, RuleKind kind) {
        Copies copies = destination.copies(kind);
        int deleted = 0;
        // Listed from the API server, not the watch's cache, which may not have listed yet.
        for (GenericKubernetesResource copy : copies.target().resources().inAnyNamespace()
                .withLabels(TrackingMetadata.selectorFor(owner)).list().getItems()) {
            if (engine.deleteCopy(copies.target(), copy, owner)) {
                deleted++;
            }
        }
        return deleted;
    }

    private void deleteCopiesOfRemovedRule(RuleStatus removed) {
        try {
            int deleted = deleteCopies(owner, destination, engine, destination.kind(removed.gvk()));
            wrote |= deleted > 0;
            LOG.infof("KRMSyncer %s: rule for %s removed; %d copies deleted at %s", id, removed.getKind(), deleted,
                    destination.server());
        } catch (RuleFailure notServed) {
            LOG.debugf("KRMSyncer %s: removed rule's kind %s is not served at the destination", id, removed.getKind());
        } catch (KubernetesClientException e) {
            rethrowIfDestinationGone(e);
            // Kept in status, so that the next pass tries again.
            RuleStatus status = new RuleStatus(removed.gvk());
            status.problem(ApiErrors.reason(e),
                    "the rule was removed but its copies could not be deleted: " + ApiErrors.message(e));
            ruleStatuses.add(status);
        }
    }

    private Watch acquire(WatchKey key) throws RuleFailure {
        access.requireRead(key);
        try {
            return sources.acquire(id, key);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                throw new RuleFailure(ApiErrors.reason(e), "krm-sync may not list " + key
                        + " in this cluster; grant get, list and watch on it (ClusterRole krm-sync-krmsyncer-sources, docs/krmsyncer.md)");
            }
            throw new RuleFailure(ApiErrors.reason(e), "listing " + key + " failed: " + ApiErrors.message(e));
        }
    }

    /**
     * The objects of one kind the KRMSyncer may read, synced; its copies of the others deleted. Objects not shared with
     * it are reported last, so that a refusal is the rule's reason whatever else failed.
     */
    private void syncObjects(RuleStatus status, SourceScope scope, List<Watch> watches, Copies copies) {
        List<GenericKubernetesResource> selected = new ArrayList<>();
        watches.forEach(watch -> selected.addAll(watch.objects()));
        SourceScope.Sources sources = scope.sort(selected);
        sweep(status, copies, syncEach(status, copies, sources.readable()));
        sources.notShared().ifPresent(notShared -> notShared.reportIn(status));
    }

    /** @return the copies wanted at the destination, as namespace/name */
    private Set<String> syncEach(RuleStatus status, Copies copies, List<GenericKubernetesResource> readable) {
        RuleKind kind = copies.kind();
        String mapping = kind.namespaced() ? syncer.getSpec().getDestination().getNamespace() : null;
        Map<String, String> wanted = new LinkedHashMap<>();
        for (GenericKubernetesResource source : ordered(readable, copies, mapping)) {
            String namespace = kind.namespaced()
                    ? Objects.requireNonNullElse(mapping, source.getMetadata().getNamespace()) : null;
            String name = source.getMetadata().getName();
            String sourceKey = keyOf(source.getMetadata().getNamespace(), name);
            if (TrackingMetadata.ownership(source, owner) == Ownership.OTHER_OWNER) {
                // Another krm-sync owner's copy: it is synced from its own source (copies never chain).
                status.setSkipped(status.getSkipped() + 1);
                continue;
            }
            String copyKey = keyOf(namespace, name);
            String collidesWith = wanted.putIfAbsent(copyKey, sourceKey);
            if (collidesWith != null) {
                fail(status, Reason.NameCollision, sourceKey + " and " + collidesWith + " would both be "
                        + copyKey + " at the destination (spec.destination.namespace); only the first is synced");
                continue;
            }
            try {
                syncObject(status, copies, source, namespace);
            } catch (UncopyableObjectException e) {
                status.setSkipped(status.getSkipped() + 1);
            } catch (KubernetesClientException e) {
                rethrowIfDestinationGone(e);
                fail(status, ApiErrors.reason(e), kind.kind() + " " + sourceKey + ": " + ApiErrors.message(e));
            }
        }
        return wanted.keySet();
    }

    /**
     * The objects to sync, in the order they claim their copies. Under a namespace mapping, same-named sources in
     * several namespaces claim one copy: the source the copy already comes from keeps it, else the oldest; never the
     * order of the watches, which would let a newcomer take over an existing copy.
     */
    private List<GenericKubernetesResource> ordered(List<GenericKubernetesResource> readable, Copies copies,
            String mapping) {
        List<GenericKubernetesResource> selected = new ArrayList<>(readable);
        if (mapping != null) {
            selected.sort(Comparator
                    .comparing((GenericKubernetesResource source) -> !isSourceOfCopy(copies, mapping, source))
                    .thenComparing(RulePass::createdAt).thenComparing(source -> source.getMetadata().getNamespace()));
        }
        return selected;
    }

    private void syncObject(RuleStatus status, Copies copies, GenericKubernetesResource source, String namespace) {
        String name = source.getMetadata().getName();
        String memoKey = copies.kind() + "|" + keyOf(namespace, name);
        String versions = syncer.getMetadata().getGeneration() + "|" + source.getMetadata().getResourceVersion() + "|"
                + copyVersion(copies, namespace, name);
        if (destination.isVerified(memoKey, versions)) {
            status.setSynced(status.getSynced() + 1);
            return;
        }
        Instant firstSeen = observations.firstSeen(id + "|" + memoKey, source.getMetadata().getResourceVersion());
        var desired = engine.sanitizer().desiredCopy(source, namespace,
                new SourceRef(clusterName, Objects.requireNonNullElse(source.getMetadata().getNamespace(), ""), name),
                owner);
        if (source.getMetadata().getGeneration() != null) {
            desired.getMetadata().getAnnotations().put(TrackingMetadata.SOURCE_GENERATION_ANNOTATION,
                    String.valueOf(source.getMetadata().getGeneration()));
        }
        if (copies.target().cache().get(namespace, name).isEmpty() && destination.namespaces().ensure(namespace)) {
            LOG.infof("KRMSyncer %s: created namespace %s at %s", id, namespace, destination.server());
        }
        CopyResult result = engine.sync(copies.target(), desired, owner, policy);
        if (result.outcome() == CopyResult.Outcome.CONFLICT) {
            fail(status, Reason.Conflict, result.message());
            return;
        }
        wrote |= result.wrote();
        if (result.carriedSourceChange()) {
            metrics.copyLatency(KRMSyncerReconciler.NAME, copies.target().cluster(), observations.since(firstSeen));
        }
        if (syncer.getSpec().isSyncStatus() && copies.kind().statusSubresource()) {
            wrote |= syncStatus(copies, source, namespace);
        }
        destination.verified(memoKey, syncer.getMetadata().getGeneration() + "|"
                + source.getMetadata().getResourceVersion() + "|" + copyVersion(copies, namespace, name));
        status.setSynced(status.getSynced() + 1);
    }

    /** The source's status written through the copy's status subresource, when they differ. */
    private boolean syncStatus(Copies copies, GenericKubernetesResource source, String namespace) {
        Object sourceStatus = source.getAdditionalProperties().get("status");
        GenericKubernetesResource live = copies.target().cache().get(namespace, source.getMetadata().getName())
                .orElse(null);
        if (sourceStatus == null || live == null || Objects.equals(sourceStatus, live.getAdditionalProperties().get("status"))) {
            return false;
        }
        GenericKubernetesResource withStatus = engine.sanitizer().toGeneric(live);
        withStatus.setAdditionalProperty("status", sourceStatus);
        var resources = copies.target().resources();
        GenericKubernetesResource updated = (namespace == null ? resources.resource(withStatus)
                : resources.inNamespace(namespace).resource(withStatus)).updateStatus();
        copies.target().cache().written(live, updated);
        return true;
    }

    /** Whether the copy at the destination was made from this source (its source annotation names it). */
    private boolean isSourceOfCopy(Copies copies, String namespace, GenericKubernetesResource source) {
        String name = source.getMetadata().getName();
        String ref = new SourceRef(clusterName, source.getMetadata().getNamespace(), name).toString();
        return copies.target().cache().get(namespace, name).map(copy -> copy.getMetadata().getAnnotations())
                .map(annotations -> annotations.get(TrackingMetadata.SOURCE_ANNOTATION)).filter(ref::equals)
                .isPresent();
    }

    private static Instant createdAt(GenericKubernetesResource source) {
        String created = source.getMetadata().getCreationTimestamp();
        return created == null ? Instant.MAX : Instant.parse(created);
    }

    /** Deletes this KRMSyncer's copies of the kind that no selected source wants any more. */
    private void sweep(RuleStatus status, Copies copies, Set<String> wanted) {
        for (GenericKubernetesResource copy : copies.informer().list()) {
            String copyKey = keyOf(copy.getMetadata().getNamespace(), copy.getMetadata().getName());
            if (wanted.contains(copyKey) || TrackingMetadata.ownership(copy, owner) != Ownership.OWNED) {
                continue;
            }
            try {
                if (engine.deleteCopy(copies.target(), copy, owner)) {
                    wrote = true;
                    destination.forget(copies.kind() + "|" + copyKey);
                    observations.forget(id + "|" + copies.kind() + "|" + copyKey);
                }
            } catch (KubernetesClientException e) {
                rethrowIfDestinationGone(e);
                fail(status, ApiErrors.reason(e), "deleting the copy " + copyKey + ", whose source is gone: "
                        + ApiErrors.message(e));
            }
        }
    }

    private static void fail(RuleStatus status, Reason reason, String message) {
        status.setFailed(status.getFailed() + 1);
        status.problem(reason, message);
    }

    /** Unanswered requests and refused credentials are about the destination, not one object: the pass stops. */
    private static void rethrowIfDestinationGone(KubernetesClientException e) {
        if (ApiErrors.isUnanswered(e) || e.getCode() == 401) {
            throw e;
        }
    }

    private static String copyVersion(Copies copies, String namespace, String name) {
        return copies.target().cache().get(namespace, name).map(copy -> copy.getMetadata().getResourceVersion())
                .orElse("-");
    }

    private static String keyOf(String namespace, String name) {
        return namespace == null ? name : namespace + "/" + name;
    }
}
