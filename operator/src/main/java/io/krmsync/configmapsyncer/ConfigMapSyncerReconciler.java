package io.krmsync.configmapsyncer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.configmapsyncer.Identities.Identity;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Readiness;
import io.krmsync.status.Reason;
import io.krmsync.status.StatusRecorder;
import io.krmsync.status.SyncBlocked;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyResult;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.InformerCopyCache;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UncopyableObjectException;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Consent;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Tenancy;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Fans a source ConfigMap or Secret out to target namespaces. Reads come from informer caches (source, copies,
 * namespaces); writes go through the shared copy engine, which writes only on a real difference. Copies are found
 * by their tracking marker, so a namespace dropped from the spec, or a deleted syncer, loses exactly its copies. A
 * syncer outside the trusted namespaces reads, writes and takes over only what its {@link Authority} allows, checked
 * on every reconciliation: consent withdrawn takes its copies away.
 */
@ControllerConfiguration(name = ConfigMapSyncerReconciler.NAME, finalizerName = ConfigMapSyncerReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@RBACRule(apiGroups = "", resources = { "configmaps", "secrets" },
        verbs = { "get", "list", "watch", "create", "update", "delete" })
@RBACRule(apiGroups = "", resources = "namespaces", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
// Syncers acting as a ServiceAccount (spec.serviceAccountName): reviews of their reads, impersonation for their writes.
@RBACRule(apiGroups = "authorization.k8s.io", resources = "subjectaccessreviews", verbs = { "create" })
@RBACRule(apiGroups = "", resources = "serviceaccounts", verbs = { "impersonate" })
public class ConfigMapSyncerReconciler implements Reconciler<ConfigMapSyncer>, Cleaner<ConfigMapSyncer> {

    /** The controller's name, also the reconciler label of metrics and the reconciler part of copy markers. */
    public static final String NAME = "configmapsyncer";
    public static final String FINALIZER = "configmapsyncer.config.example.com/finalizer";

    private static final Logger LOG = Logger.getLogger(ConfigMapSyncerReconciler.class);
    /** Index of syncers by the kind and name their copies carry: "ConfigMap/app-config". */
    private static final String COPY_NAME_INDEX = "copy-name";

    private final CopyEngine engine;
    private final StatusRecorder statusRecorder;
    private final SyncMetrics metrics;
    private final ConfigMapSyncerConfig config;
    private final String clusterName;
    private final Tenancy tenancy;
    private final Impersonation impersonation;
    private final EventRecorder events;
    private final SourceObservations sourceObservations = new SourceObservations(Clock.systemUTC());

    private InformerEventSource<ConfigMap, ConfigMapSyncer> configMaps;
    private InformerEventSource<Secret, ConfigMapSyncer> secrets;
    private InformerEventSource<Namespace, ConfigMapSyncer> namespaces;
    private Identities identities;

    public ConfigMapSyncerReconciler(CopyEngine engine, StatusRecorder statusRecorder, SyncMetrics metrics,
            ConfigMapSyncerConfig config, LocalClusterConfig localCluster, Tenancy tenancy,
            Impersonation impersonation, EventRecorder events) {
        this.engine = engine;
        this.statusRecorder = statusRecorder;
        this.metrics = metrics;
        this.config = config;
        this.clusterName = localCluster.name();
        this.tenancy = tenancy;
        this.impersonation = impersonation;
        this.events = events;
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

        identities = new Identities(clusterName, impersonation, new InformerCopyCache<>(configMaps),
                new InformerCopyCache<>(secrets));
        return List.of(configMaps, secrets, namespaces);
    }

    @Override
    public UpdateControl<ConfigMapSyncer> reconcile(ConfigMapSyncer syncer, Context<ConfigMapSyncer> context) {
        var status = new ConfigMapSyncerStatusBuilder(syncer);
        Identity identity = identityOf(syncer);
        boolean retry = false;
        try {
            FanOut fanOut = plan(syncer, identity, status);
            retry = writeCopies(fanOut, status)
                    | deleteUnwantedCopies(fanOut.identity(), fanOut.owner(), fanOut::wants, status);
        } catch (NotShared notShared) {
            status.refused(Reason.SourceNotShared, notShared.getMessage());
            // Consent withdrawn is authority withdrawn: the copies made under it go.
            retry = deleteUnwantedCopies(identity, ownerOf(syncer), (kind, copy) -> false, status);
        } catch (SyncBlocked blocked) {
            status.blocked(blocked.reason(), blocked.getMessage());
            retry = blocked.heals();
        }
        return statusRecorder.record(NAME, syncer, status.build(Instant.now()), context,
                retry ? Optional.of(config.retryInterval()) : Optional.empty());
    }

    @Override
    public ErrorStatusUpdateControl<ConfigMapSyncer> updateErrorStatus(ConfigMapSyncer syncer,
            Context<ConfigMapSyncer> context, Exception e) {
        var status = new ConfigMapSyncerStatusBuilder(syncer);
        Readiness failure = Readiness.failed(e);
        status.blocked(failure.reason(), failure.message());
        return statusRecorder.recordError(NAME, syncer, status.build(Instant.now()), context);
    }

    @Override
    public DeleteControl cleanup(ConfigMapSyncer syncer, Context<ConfigMapSyncer> context) {
        statusRecorder.forget(NAME, syncer);
        CopyOwner owner = ownerOf(syncer);
        Identity identity = identityOf(syncer);
        KubernetesClient client = context.getClient();
        // Listed from the API server by marker, not from today's spec or a possibly lagging cache.
        client.configMaps().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)).list().getItems()
                .forEach(copy -> deleteOnCleanup(syncer, identity, identity.configMaps(), copy, owner));
        client.secrets().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)).list().getItems()
                .forEach(copy -> deleteOnCleanup(syncer, identity, identity.secrets(), copy, owner));
        SourceKind.of(syncer.getSpec()).ifPresent(kind -> sourceObservations.forget(observationKey(kind, syncer.getSpec())));
        return DeleteControl.defaultDelete();
    }

    /**
     * A copy the syncer's ServiceAccount may not delete stays, with a Warning Event: retrying would not change the
     * ServiceAccount's RBAC, and a finalizer kept for it would block the deletion of the syncer and its namespace.
     */
    private <T extends HasMetadata> void deleteOnCleanup(ConfigMapSyncer syncer, Identity identity,
            CopyTarget<T> target, T copy, CopyOwner owner) {
        try {
            engine.deleteCopy(target, copy, owner);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403 || identity.user().isEmpty()) {
                throw e;
            }
            events.warning(syncer, Reason.Forbidden, copy.getKind() + " " + copy.getMetadata().getNamespace() + "/"
                    + copy.getMetadata().getName() + " is left in place: " + ApiErrors.message(e));
        }
    }

    /**
     * What this syncer wants: its source's copies, and the namespaces they go to.
     *
     * @param source the source as status names it, "Kind namespace/name"
     */
    private record FanOut(ConfigMapSyncer syncer, Identity identity, SourceKind kind, String sourceName,
            String source, CopyOwner owner, SourceCopies copies, TargetNamespaces targets, ConflictPolicy policy,
            Instant sourceFirstSeen) {

        Authority authority() {
            return identity.authority();
        }

        /**
         * The policy for one namespace: Overwrite takes over unmanaged objects only where the syncer's authority
         * allows; elsewhere it leaves them alone, as Skip does.
         */
        ConflictPolicy policyIn(String namespace) {
            return authority().mayOverwriteIn(namespace) ? policy : ConflictPolicy.Skip;
        }

        /** Whether this copy of the syncer's is still wanted: the source's kind and name, where a copy may stay. */
        boolean wants(SourceKind copyKind, HasMetadata copy) {
            return copyKind == kind && copy.getMetadata().getName().equals(sourceName)
                    && targets.keepCopyIn(copy.getMetadata().getNamespace());
        }
    }

    /** The source is in another namespace and not shared with this syncer's: nothing is synced, its copies go. */
    private static final class NotShared extends Exception {

        private static final long serialVersionUID = 1L;

        NotShared(String message) {
            super(message);
        }
    }

    /** Validates the spec, resolves the targets and reads the source, as far as the syncer's authority goes. */
    private FanOut plan(ConfigMapSyncer syncer, Identity identity, ConfigMapSyncerStatusBuilder status)
            throws SyncBlocked, NotShared {
        ConfigMapSyncerSpec spec = syncer.getSpec();
        List<String> problems = SpecValidator.problems(spec);
        if (!problems.isEmpty()) {
            throw new SyncBlocked(Reason.InvalidSpec, String.join("; ", problems));
        }
        Authority authority = identity.authority();
        SourceKind kind = SourceKind.of(spec).orElseThrow();
        String sourceName = kind.sourceName(spec);
        String description = kind.kind() + " " + spec.getSourceNamespace() + "/" + sourceName;
        status.source(description);
        var targets = TargetNamespaces.resolve(spec, namespaces.list().toList(), authority);
        status.targeted(targets.targeted());
        status.leftOut(targets.leftOut());
        identities.requireGet(identity, kind, spec.getSourceNamespace(), sourceName);
        HasMetadata source = readSource(kind, spec.getSourceNamespace(), sourceName, description, authority);
        CopyOwner owner = ownerOf(syncer);
        SourceCopies copies = copiesOf(source, spec, owner);
        status.missingKeys(copies.missingKeys());
        Instant firstSeen = sourceObservations.firstSeen(observationKey(kind, spec),
                source.getMetadata().getResourceVersion());
        return new FanOut(syncer, identity, kind, sourceName, description, owner, copies, targets,
                SpecValidator.conflictPolicy(spec), firstSeen);
    }

    /** What this syncer may do, and as whom, decided afresh on every reconciliation (docs/tenancy.md). */
    private Identity identityOf(ConfigMapSyncer syncer) {
        String serviceAccount = syncer.getSpec() == null ? null : syncer.getSpec().getServiceAccountName();
        return identities.of(tenancy.of(syncer.getMetadata().getNamespace(), serviceAccount));
    }

    private HasMetadata readSource(SourceKind kind, String namespace, String name, String description,
            Authority authority) throws SyncBlocked, NotShared {
        Optional<? extends HasMetadata> cached = sourceCache(kind).get(new ResourceID(name, namespace));
        // A missing object of another namespace is "not shared" too: a tenant cannot probe what exists there.
        if (!cached.map(authority::mayRead).orElse(authority.readsFreelyIn(namespace))) {
            throw new NotShared(description + " is not shared with namespace " + authority.namespace()
                    + ", or does not exist: its owner shares it by adding " + authority.namespace()
                    + " to its annotation " + Consent.SHARE_WITH
                    + "; until then nothing is copied, and the copies this syncer made are deleted");
        }
        HasMetadata source = cached.orElseThrow(() -> new SyncBlocked(Reason.SourceNotFound, description
                + " not found; existing copies are kept and sync resumes when it exists again"));
        var sourceOwner = TrackingMetadata.ownerKey(source);
        if (sourceOwner.isPresent()) {
            throw new SyncBlocked(Reason.SourceIsACopy, description + " is itself a copy managed by krm-sync ("
                    + sourceOwner.get() + "); copy from its source instead, so that copies never chain or loop");
        }
        return source;
    }

    private SourceCopies copiesOf(HasMetadata source, ConfigMapSyncerSpec spec, CopyOwner owner) throws SyncBlocked {
        SourceRef sourceRef = new SourceRef(clusterName, spec.getSourceNamespace(), source.getMetadata().getName());
        try {
            return new SourceCopies(source, SpecValidator.nullToEmpty(spec.getKeys()), engine.sanitizer(), sourceRef,
                    owner);
        } catch (UncopyableObjectException e) {
            throw new SyncBlocked(e.reason(), e.getMessage());
        }
    }

    /** @return whether a write failed in a way that can heal by itself, so that the syncer is looked at again soon */
    private boolean writeCopies(FanOut fanOut, ConfigMapSyncerStatusBuilder status) {
        boolean retry = false;
        for (var target : fanOut.targets().byName().entrySet()) {
            String namespace = target.getKey();
            switch (target.getValue()) {
                case TERMINATING -> {
                }
                case MISSING -> status.failed(namespace, Reason.NamespaceNotFound,
                        "namespace " + namespace + " does not exist; the copy is created when it appears");
                case NOT_ACCEPTING -> status.failed(namespace, Reason.TargetNamespaceNotAccepting,
                        notAccepting(fanOut.authority()));
                case ACTIVE -> retry |= !writeCopy(fanOut, namespace, status);
            }
        }
        return retry;
    }

    private static String notAccepting(Authority authority) {
        return "it does not accept copies from namespace " + authority.namespace()
                + ": its owner accepts them by adding " + authority.namespace() + " to its annotation "
                + Consent.ACCEPT_FROM
                + "; nothing is written there, and a copy this syncer made there is deleted";
    }

    /** @return false when the API refused the write */
    private boolean writeCopy(FanOut fanOut, String namespace, ConfigMapSyncerStatusBuilder status) {
        try {
            CopyResult result = engine.sync(fanOut.identity().copies(fanOut.kind()),
                    fanOut.copies().desiredIn(namespace), fanOut.owner(), fanOut.policyIn(namespace));
            if (result.outcome() == CopyResult.Outcome.CONFLICT) {
                reportConflict(fanOut, namespace, result, status);
                return true;
            }
            if (result.wrote()) {
                status.wroteCopies();
            }
            if (result.carriedSourceChange()) {
                metrics.copyLatency(NAME, clusterName,
                        sourceObservations.since(fanOut.sourceFirstSeen()));
            }
            status.synced(namespace);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warnf("ConfigMapSyncer %s/%s: writing %s to namespace %s failed: %s",
                    fanOut.syncer().getMetadata().getNamespace(), fanOut.syncer().getMetadata().getName(),
                    fanOut.source(), namespace, ApiErrors.reason(e));
            status.failed(namespace, ApiErrors.reason(e), ApiErrors.message(e));
            return false;
        }
    }

    /** A conflict the copy engine left alone: Overwrite refused by the syncer's authority, or an ownership conflict. */
    private static void reportConflict(FanOut fanOut, String namespace, CopyResult result,
            ConfigMapSyncerStatusBuilder status) {
        if (result.unmanaged() && fanOut.policy() == ConflictPolicy.Overwrite) {
            status.failed(namespace, Reason.OverwriteNotAllowed, fanOut.kind().kind() + " " + namespace + "/"
                    + fanOut.sourceName() + " already exists and was not created by krm-sync; left untouched:"
                    + " conflictPolicy Overwrite takes over such objects only in the syncer's own namespace, "
                    + fanOut.authority().namespace());
        } else {
            status.failed(namespace, Reason.Conflict, result.message());
        }
    }

    /**
     * Deletes this syncer's copies that are no longer wanted: other namespaces, namespaces that no longer accept them,
     * or a previous source's kind or name. A refused delete is reported per namespace; the other copies are still
     * handled.
     *
     * @return whether a delete was refused, so that the syncer is looked at again soon
     */
    private boolean deleteUnwantedCopies(Identity identity, CopyOwner owner,
            BiPredicate<SourceKind, HasMetadata> wanted, ConfigMapSyncerStatusBuilder status) {
        boolean refused = false;
        for (ConfigMap copy : ownedBy(configMaps.list(), owner)) {
            if (!wanted.test(SourceKind.CONFIG_MAP, copy)) {
                refused |= !deleteUnwantedCopy(identity.configMaps(), copy, owner, status);
            }
        }
        for (Secret copy : ownedBy(secrets.list(), owner)) {
            if (!wanted.test(SourceKind.SECRET, copy)) {
                refused |= !deleteUnwantedCopy(identity.secrets(), copy, owner, status);
            }
        }
        return refused;
    }

    /** @return false when the API refused the delete */
    private <T extends HasMetadata> boolean deleteUnwantedCopy(CopyTarget<T> target, T copy, CopyOwner owner,
            ConfigMapSyncerStatusBuilder status) {
        try {
            if (engine.deleteCopy(target, copy, owner)) {
                status.wroteCopies();
            }
            return true;
        } catch (KubernetesClientException e) {
            status.failed(copy.getMetadata().getNamespace(), ApiErrors.reason(e),
                    "could not delete the " + copy.getKind() + " copy this syncer no longer wants: "
                            + ApiErrors.message(e));
            return false;
        }
    }

    private static <T extends HasMetadata> List<T> ownedBy(Stream<T> objects, CopyOwner owner) {
        return objects.filter(o -> TrackingMetadata.ownership(o, owner) == TrackingMetadata.Ownership.OWNED).toList();
    }

    private InformerEventSource<? extends HasMetadata, ConfigMapSyncer> sourceCache(SourceKind kind) {
        return kind == SourceKind.CONFIG_MAP ? configMaps : secrets;
    }

    private String observationKey(SourceKind kind, ConfigMapSyncerSpec spec) {
        return kind.kind() + "/" + new SourceRef(clusterName, spec.getSourceNamespace(), kind.sourceName(spec));
    }

    private static CopyOwner ownerOf(ConfigMapSyncer syncer) {
        return CopyOwner.of(NAME, syncer.getMetadata().getNamespace(), syncer.getMetadata().getName());
    }

    /** Syncers whose source or copies may be this object: same kind and name, or carrying a syncer's marker. */
    private static Set<ResourceID> syncersFor(IndexerResourceCache<ConfigMapSyncer> syncers, SourceKind kind,
            HasMetadata object) {
        Set<ResourceID> ids = syncers.byIndex(COPY_NAME_INDEX, kind.copyNameKey(object.getMetadata().getName()))
                .stream().map(ResourceID::fromResource).collect(Collectors.toCollection(HashSet::new));
        TrackingMetadata.ownerKey(object)
                .filter(key -> key.startsWith(NAME + "/"))
                .map(key -> key.substring(NAME.length() + 1).split("/", 2))
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
}
