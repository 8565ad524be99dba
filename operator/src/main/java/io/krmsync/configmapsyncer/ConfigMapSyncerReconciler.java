package io.krmsync.configmapsyncer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.sync.ApiErrors;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyResult;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.EventRecorder;
import io.krmsync.sync.InformerCopyCache;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.StatusConditions;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UncopyableObjectException;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Fans a source ConfigMap or Secret out to target namespaces. Reads come from informer caches (source, copies,
 * namespaces); writes go through the shared copy engine, which writes only on a real difference. Copies are found
 * by their tracking marker, so a namespace dropped from the spec, or a deleted syncer, loses exactly its copies.
 */
@ControllerConfiguration(name = ConfigMapSyncer.RECONCILER, finalizerName = ConfigMapSyncer.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@RBACRule(apiGroups = "", resources = { "configmaps", "secrets" },
        verbs = { "get", "list", "watch", "create", "update", "delete" })
@RBACRule(apiGroups = "", resources = "namespaces", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
public class ConfigMapSyncerReconciler implements Reconciler<ConfigMapSyncer>, Cleaner<ConfigMapSyncer> {

    private static final Logger LOG = Logger.getLogger(ConfigMapSyncerReconciler.class);
    /** Index of syncers by the kind and name their copies carry: "ConfigMap/app-config". */
    private static final String COPY_NAME_INDEX = "copy-name";
    /** Failures that heal by themselves are retried on this period; the others wait for an event. */
    private static final long RETRY_FAILED_WRITES_MILLIS = TimeUnit.SECONDS.toMillis(30);
    /** Failures named in the Ready message and given an Event each; status.failures always lists them all. */
    private static final int MAX_LISTED_FAILURES = 10;

    private final CopyEngine engine;
    private final EventRecorder events;
    private final SyncMetrics metrics;
    private final KubernetesSerialization serialization;
    private final String clusterName;
    private final SourceObservations sourceObservations = new SourceObservations(Clock.systemUTC());

    private InformerEventSource<ConfigMap, ConfigMapSyncer> configMaps;
    private InformerEventSource<Secret, ConfigMapSyncer> secrets;
    private InformerEventSource<Namespace, ConfigMapSyncer> namespaces;
    private CopyTarget<ConfigMap> configMapTarget;
    private CopyTarget<Secret> secretTarget;

    public ConfigMapSyncerReconciler(CopyEngine engine, EventRecorder events, SyncMetrics metrics,
            KubernetesSerialization serialization, LocalClusterConfig localCluster) {
        this.engine = engine;
        this.events = events;
        this.metrics = metrics;
        this.serialization = serialization;
        this.clusterName = localCluster.name();
    }

    @Override
    public List<EventSource<?, ConfigMapSyncer>> prepareEventSources(EventSourceContext<ConfigMapSyncer> context) {
        IndexerResourceCache<ConfigMapSyncer> syncers = context.getPrimaryCache();
        syncers.addIndexer(COPY_NAME_INDEX, syncer -> SourceKind.of(syncer.getSpec())
                .map(kind -> List.of(kind.copyNameKey(kind.sourceName(syncer.getSpec()))))
                .orElse(List.of()));

        configMaps = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(ConfigMap.class, ConfigMapSyncer.class)
                .withName("configmaps")
                // Copies live in any namespace, whatever namespaces the syncers themselves are watched in.
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(cm -> syncersFor(syncers, SourceKind.CONFIG_MAP, cm))
                .build(), context);
        secrets = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Secret.class, ConfigMapSyncer.class)
                .withName("secrets")
                .withWatchAllNamespaces()
                .withSecondaryToPrimaryMapper(secret -> syncersFor(syncers, SourceKind.SECRET, secret))
                .build(), context);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration
                .from(Namespace.class, ConfigMapSyncer.class)
                .withName("namespaces")
                .withSecondaryToPrimaryMapper(namespace -> syncersTargeting(syncers, namespace))
                .build(), context);

        KubernetesClient client = context.getClient();
        configMapTarget = new CopyTarget<>(clusterName, ConfigMap.class, client.configMaps(),
                new InformerCopyCache<>(configMaps));
        secretTarget = new CopyTarget<>(clusterName, Secret.class, client.secrets(), new InformerCopyCache<>(secrets));
        return List.of(configMaps, secrets, namespaces);
    }

    @Override
    public UpdateControl<ConfigMapSyncer> reconcile(ConfigMapSyncer syncer, Context<ConfigMapSyncer> context) {
        Instant now = Instant.now();
        ConfigMapSyncerSpec spec = syncer.getSpec();
        ConfigMapSyncerStatus previous = syncer.getStatus() == null ? new ConfigMapSyncerStatus() : syncer.getStatus();
        ConfigMapSyncerStatus status = new ConfigMapSyncerStatus();
        status.setObservedGeneration(syncer.getMetadata().getGeneration());

        List<String> problems = SpecValidator.problems(spec);
        if (!problems.isEmpty()) {
            return finish(syncer, previous, keepCopyLists(previous, status), now, false,
                    notReady(Reason.INVALID_SPEC, String.join("; ", problems)));
        }
        SourceKind kind = SourceKind.of(spec).orElseThrow();
        String sourceName = kind.sourceName(spec);
        status.setSource(kind.kind() + " " + spec.getSourceNamespace() + "/" + sourceName);

        HasMetadata source = sourceCache(kind).get(new ResourceID(sourceName, spec.getSourceNamespace())).orElse(null);
        if (source == null) {
            return finish(syncer, previous, keepCopyLists(previous, status), now, false,
                    notReady(Reason.SOURCE_NOT_FOUND, status.getSource()
                            + " not found; existing copies are kept and sync resumes when it exists again"));
        }

        var sourceOwner = TrackingMetadata.ownerKey(source);
        if (sourceOwner.isPresent()) {
            return finish(syncer, previous, keepCopyLists(previous, status), now, false,
                    notReady(Reason.SOURCE_IS_A_COPY, status.getSource() + " is itself a copy managed by krm-sync ("
                            + sourceOwner.get() + "); copy from its source instead, so that copies never chain or loop"));
        }

        CopyOwner owner = ownerOf(syncer);
        SourceRef sourceRef = new SourceRef(clusterName, spec.getSourceNamespace(), sourceName);
        SourceCopies copies;
        try {
            copies = new SourceCopies(source, SpecValidator.nullToEmpty(spec.getKeys()), engine.sanitizer(), sourceRef,
                    owner);
        } catch (UncopyableObjectException e) {
            return finish(syncer, previous, keepCopyLists(previous, status), now, false,
                    notReady(e.reason(), e.getMessage()));
        }
        status.setMissingKeys(copies.missingKeys());

        SortedMap<String, TargetNamespaces.State> targets = TargetNamespaces.resolve(spec, namespaces.list().toList());
        ConflictPolicy policy = SpecValidator.conflictPolicy(spec);
        Instant sourceFirstSeen = sourceObservations.firstSeen(observationKey(kind, spec),
                source.getMetadata().getResourceVersion());
        boolean wrote = false;
        boolean retryWrites = false;
        for (var target : targets.entrySet()) {
            String namespace = target.getKey();
            switch (target.getValue()) {
                case TERMINATING -> {
                    continue;
                }
                case MISSING -> {
                    status.getFailures().add(new NamespaceFailure(namespace, Reason.NAMESPACE_NOT_FOUND,
                            "namespace " + namespace + " does not exist; the copy is created when it appears"));
                    continue;
                }
                case ACTIVE -> {
                }
            }
            try {
                CopyResult result = engine.sync(copyTarget(kind), copies.desiredIn(namespace), owner, policy);
                if (result.outcome() == CopyResult.Outcome.CONFLICT) {
                    status.getFailures().add(new NamespaceFailure(namespace, Reason.CONFLICT, result.message()));
                    continue;
                }
                wrote |= result.wrote();
                if (result.carriedSourceChange()) {
                    metrics.copyLatency(ConfigMapSyncer.RECONCILER, clusterName, sourceObservations.since(sourceFirstSeen));
                }
                status.getSyncedNamespaces().add(namespace);
            } catch (KubernetesClientException e) {
                retryWrites = true;
                LOG.warnf("ConfigMapSyncer %s/%s: writing %s to namespace %s failed: %s", syncer.getMetadata().getNamespace(),
                        syncer.getMetadata().getName(), status.getSource(), namespace, ApiErrors.reason(e));
                status.getFailures().add(new NamespaceFailure(namespace, ApiErrors.reason(e), ApiErrors.message(e)));
            }
        }
        int failuresBeforeCleanup = status.getFailures().size();
        wrote |= deleteOrphans(owner, kind, sourceName, targets.keySet(), status.getFailures());
        retryWrites |= status.getFailures().size() > failuresBeforeCleanup;

        status.setFailedNamespaces(status.getFailures().stream().map(NamespaceFailure::namespace).toList());
        status.setSummary(status.getSyncedNamespaces().size() + "/" + (targets.size()
                - (int) targets.values().stream().filter(s -> s == TargetNamespaces.State.TERMINATING).count()));
        UpdateControl<ConfigMapSyncer> control = finish(syncer, previous, status, now, wrote, readiness(status));
        return retryWrites ? control.rescheduleAfter(RETRY_FAILED_WRITES_MILLIS) : control;
    }

    @Override
    public DeleteControl cleanup(ConfigMapSyncer syncer, Context<ConfigMapSyncer> context) {
        metrics.syncerDeleted(ConfigMapSyncer.RECONCILER, syncer);
        CopyOwner owner = ownerOf(syncer);
        KubernetesClient client = context.getClient();
        // Listed from the API server by marker, not from today's spec or a possibly lagging cache.
        client.configMaps().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)).list().getItems()
                .forEach(copy -> engine.deleteCopy(configMapTarget, copy, owner));
        client.secrets().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)).list().getItems()
                .forEach(copy -> engine.deleteCopy(secretTarget, copy, owner));
        SourceKind.of(syncer.getSpec()).ifPresent(kind -> sourceObservations.forget(observationKey(kind, syncer.getSpec())));
        return DeleteControl.defaultDelete();
    }

    /**
     * Deletes this syncer's copies that are no longer wanted: other namespaces, or a previous source's kind or name. A
     * refused delete is reported in {@code failures} and retried; the other copies are still handled.
     */
    private boolean deleteOrphans(CopyOwner owner, SourceKind kind, String sourceName, Set<String> targetNamespaces,
            List<NamespaceFailure> failures) {
        boolean deleted = false;
        for (ConfigMap copy : ownedBy(configMaps.list(), owner)) {
            if (!(kind == SourceKind.CONFIG_MAP && isWanted(copy, sourceName, targetNamespaces))) {
                deleted |= deleteOrphan(configMapTarget, copy, owner, failures);
            }
        }
        for (Secret copy : ownedBy(secrets.list(), owner)) {
            if (!(kind == SourceKind.SECRET && isWanted(copy, sourceName, targetNamespaces))) {
                deleted |= deleteOrphan(secretTarget, copy, owner, failures);
            }
        }
        return deleted;
    }

    private <T extends HasMetadata> boolean deleteOrphan(CopyTarget<T> target, T copy, CopyOwner owner,
            List<NamespaceFailure> failures) {
        try {
            return engine.deleteCopy(target, copy, owner);
        } catch (KubernetesClientException e) {
            failures.add(new NamespaceFailure(copy.getMetadata().getNamespace(), ApiErrors.reason(e),
                    "could not delete the " + copy.getKind() + " copy this syncer no longer wants: "
                            + ApiErrors.message(e)));
            return false;
        }
    }

    private static boolean isWanted(HasMetadata copy, String sourceName, Set<String> targetNamespaces) {
        return copy.getMetadata().getName().equals(sourceName)
                && targetNamespaces.contains(copy.getMetadata().getNamespace());
    }

    private static <T extends HasMetadata> List<T> ownedBy(Stream<T> objects, CopyOwner owner) {
        return objects.filter(o -> TrackingMetadata.ownership(o, owner) == TrackingMetadata.Ownership.OWNED).toList();
    }

    private record Readiness(boolean ready, String reason, String message) {
    }

    private static Readiness notReady(String reason, String message) {
        return new Readiness(false, reason, message);
    }

    private static Readiness readiness(ConfigMapSyncerStatus status) {
        List<NamespaceFailure> failures = status.getFailures();
        if (failures.isEmpty()) {
            return new Readiness(true, Reason.SYNCED, status.getSyncedNamespaces().size() + " namespace(s) in sync"
                    + (status.getMissingKeys().isEmpty() ? "" : "; keys missing from the source: " + status.getMissingKeys()));
        }
        String detail = failures.stream().limit(MAX_LISTED_FAILURES).map(f -> f.namespace() + ": " + f.reason())
                .collect(Collectors.joining(", "))
                + (failures.size() > MAX_LISTED_FAILURES
                        ? " and " + (failures.size() - MAX_LISTED_FAILURES) + " more (status.failures)" : "");
        if (failures.stream().anyMatch(f -> Reason.CONFLICT.equals(f.reason()))) {
            return notReady(Reason.CONFLICT, "not synced to " + detail);
        }
        if (!status.getSyncedNamespaces().isEmpty()) {
            return notReady(Reason.PARTIALLY_SYNCED, "not synced to " + detail);
        }
        return notReady(Reason.SYNC_FAILED, "not synced to " + detail);
    }

    /** After a spec or source problem the copies stay where they are, so status keeps reporting them. */
    private static ConfigMapSyncerStatus keepCopyLists(ConfigMapSyncerStatus previous, ConfigMapSyncerStatus status) {
        if (status.getSource() == null) {
            status.setSource(previous.getSource());
        }
        status.setSummary(previous.getSummary());
        status.setSyncedNamespaces(previous.getSyncedNamespaces());
        status.setFailedNamespaces(previous.getFailedNamespaces());
        status.setFailures(previous.getFailures());
        status.setMissingKeys(previous.getMissingKeys());
        return status;
    }

    /**
     * Sets the Ready condition and lastSyncTime, records events for what newly went wrong or right, and patches the
     * status only when it changed: a steady state makes no write at all.
     */
    private UpdateControl<ConfigMapSyncer> finish(ConfigMapSyncer syncer, ConfigMapSyncerStatus previous,
            ConfigMapSyncerStatus status, Instant now, boolean wroteCopies, Readiness readiness) {
        status.setConditions(StatusConditions.with(previous.getConditions(), StatusConditions.READY, readiness.ready(),
                readiness.reason(), readiness.message(), syncer.getMetadata().getGeneration(), now));
        status.setLastSyncTime(previous.getLastSyncTime());
        String previousJson = serialization.asJson(previous);
        boolean outcomeChanged = !serialization.asJson(status).equals(previousJson);
        if (readiness.ready() && (wroteCopies || outcomeChanged || previous.getLastSyncTime() == null)) {
            status.setLastSyncTime(now.toString());
        }
        metrics.syncerStatus(ConfigMapSyncer.RECONCILER, syncer, status.getConditions(), status.getLastSyncTime(), now);
        recordEvents(syncer, previous, status, readiness);
        boolean changed = outcomeChanged || !Objects.equals(status.getLastSyncTime(), previous.getLastSyncTime());
        if (!changed) {
            return UpdateControl.noUpdate();
        }
        syncer.setStatus(status);
        return UpdateControl.patchStatus(syncer);
    }

    private void recordEvents(ConfigMapSyncer syncer, ConfigMapSyncerStatus previous, ConfigMapSyncerStatus status,
            Readiness readiness) {
        Set<NamespaceFailure> known = new HashSet<>(previous.getFailures());
        List<NamespaceFailure> newFailures = status.getFailures().stream().filter(f -> !known.contains(f)).toList();
        newFailures.stream().limit(MAX_LISTED_FAILURES).forEach(failure -> events.warning(syncer, failure.reason(),
                "namespace " + failure.namespace() + ": " + failure.message()));
        if (newFailures.size() > MAX_LISTED_FAILURES) {
            events.warning(syncer, Reason.SYNC_FAILED, (newFailures.size() - MAX_LISTED_FAILURES)
                    + " more namespaces failed; see status.failures");
        }
        var before = StatusConditions.find(previous.getConditions(), StatusConditions.READY);
        boolean reasonChanged = before.map(c -> !Objects.equals(c.getReason(), readiness.reason())).orElse(true);
        if (!reasonChanged) {
            return;
        }
        if (readiness.ready()) {
            events.normal(syncer, readiness.reason(), readiness.message());
        } else if (!Reason.PER_NAMESPACE.contains(readiness.reason())) {
            events.warning(syncer, readiness.reason(), readiness.message());
        }
    }

    private InformerEventSource<? extends HasMetadata, ConfigMapSyncer> sourceCache(SourceKind kind) {
        return kind == SourceKind.CONFIG_MAP ? configMaps : secrets;
    }

    private CopyTarget<? extends HasMetadata> copyTarget(SourceKind kind) {
        return kind == SourceKind.CONFIG_MAP ? configMapTarget : secretTarget;
    }

    private String observationKey(SourceKind kind, ConfigMapSyncerSpec spec) {
        return kind.kind() + "/" + new SourceRef(clusterName, spec.getSourceNamespace(), kind.sourceName(spec));
    }

    private static CopyOwner ownerOf(ConfigMapSyncer syncer) {
        return CopyOwner.of(ConfigMapSyncer.RECONCILER, syncer.getMetadata().getNamespace(), syncer.getMetadata().getName());
    }

    /** Syncers whose source or copies may be this object: same kind and name, or carrying a syncer's marker. */
    private static Set<ResourceID> syncersFor(IndexerResourceCache<ConfigMapSyncer> syncers, SourceKind kind,
            HasMetadata object) {
        Set<ResourceID> ids = syncers.byIndex(COPY_NAME_INDEX, kind.copyNameKey(object.getMetadata().getName()))
                .stream().map(ResourceID::fromResource).collect(Collectors.toCollection(HashSet::new));
        TrackingMetadata.ownerKey(object)
                .filter(key -> key.startsWith(ConfigMapSyncer.RECONCILER + "/"))
                .map(key -> key.substring(ConfigMapSyncer.RECONCILER.length() + 1).split("/", 2))
                .filter(parts -> parts.length == 2)
                .ifPresent(parts -> ids.add(new ResourceID(parts[1], parts[0])));
        return ids;
    }

    private static Set<ResourceID> syncersTargeting(IndexerResourceCache<ConfigMapSyncer> syncers, Namespace namespace) {
        String name = namespace.getMetadata().getName();
        return syncers.list()
                .filter(syncer -> syncer.getSpec() != null && (syncer.getSpec().getNamespaceSelector() != null
                        || SpecValidator.nullToEmpty(syncer.getSpec().getTargetNamespaces()).contains(name)))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /** Condition and per-namespace failure reasons. */
    static final class Reason {
        static final String SYNCED = "Synced";
        static final String INVALID_SPEC = "InvalidSpec";
        static final String SOURCE_NOT_FOUND = "SourceNotFound";
        static final String SOURCE_IS_A_COPY = "SourceIsACopy";
        static final String CONFLICT = "Conflict";
        static final String PARTIALLY_SYNCED = "PartiallySynced";
        static final String SYNC_FAILED = "SyncFailed";
        static final String NAMESPACE_NOT_FOUND = "NamespaceNotFound";
        /** Summaries of per-namespace failures, which already have their own events. */
        static final Set<String> PER_NAMESPACE = Set.of(CONFLICT, PARTIALLY_SYNCED, SYNC_FAILED);

        private Reason() {
        }
    }
}
