package io.krmsync.krmsyncer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
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
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.clusters.ClustersConfig;
import io.krmsync.clusters.InvalidKubeconfigException;
import io.krmsync.clusters.KubeconfigPolicy;
import io.krmsync.clusters.Kubeconfigs;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.krmsyncer.KRMSyncerSpec.DeletionPolicy;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Readiness;
import io.krmsync.status.Reason;
import io.krmsync.status.StatusRecorder;
import io.krmsync.status.SyncBlocked;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TolerantSpec;
import io.krmsync.tenancy.Authority;
import io.krmsync.tenancy.Impersonation;
import io.krmsync.tenancy.Tenancy;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Pushes the objects a KRMSyncer's rules select, and its namespace's authority lets it read, to its destination
 * cluster. Configuration lives here (suspension, the kubeconfig Secret, the authority, rules turned into watches at both
 * ends); the object-by-object work is {@link RulePass}.
 * Source objects come from {@link SourceWatches}, the copies from {@link Destinations}; every event re-runs the pass,
 * which skips objects whose source and copy did not change since they were last found in sync.
 */
@ControllerConfiguration(name = KRMSyncerReconciler.NAME, finalizerName = KRMSyncerReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// The kubeconfig Secrets. Reading the kinds named in rules is granted separately (ClusterRole krm-sync-krmsyncer-sources).
@RBACRule(apiGroups = "", resources = "secrets", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
// KRMSyncers acting as a ServiceAccount (spec.serviceAccountName): reviews of the reads their rules make.
@RBACRule(apiGroups = "authorization.k8s.io", resources = "subjectaccessreviews", verbs = { "create" })
public class KRMSyncerReconciler implements Reconciler<KRMSyncer>, Cleaner<KRMSyncer> {

    /** The controller's name, also the reconciler label of metrics and the reconciler part of copy markers. */
    public static final String NAME = "krmsyncer";
    public static final String FINALIZER = "krmsyncer.syncer.gkelabs.io/finalizer";

    private static final Logger LOG = Logger.getLogger(KRMSyncerReconciler.class);
    private static final String SECRET_INDEX = "kubeconfig-secret";

    private final CopyEngine engine;
    private final StatusRecorder statusRecorder;
    private final EventRecorder events;
    private final SyncMetrics metrics;
    private final RemoteClients clients;
    private final KubeconfigPolicy kubeconfigPolicy;
    private final String clusterName;
    private final KRMSyncerConfig config;
    private final Tenancy tenancy;
    private final Impersonation impersonation;
    private final SourceObservations observations = new SourceObservations(Clock.systemUTC());

    private InformerEventSource<Secret, KRMSyncer> secrets;
    private SourceWatches sources;
    private Destinations destinations;

    public KRMSyncerReconciler(CopyEngine engine, StatusRecorder statusRecorder, EventRecorder events,
            SyncMetrics metrics, RemoteClients clients, ClustersConfig clustersConfig, LocalClusterConfig localCluster,
            KRMSyncerConfig config, Tenancy tenancy, Impersonation impersonation) {
        this.engine = engine;
        this.statusRecorder = statusRecorder;
        this.events = events;
        this.metrics = metrics;
        this.clients = clients;
        this.kubeconfigPolicy = clustersConfig.insecure().policy();
        this.clusterName = localCluster.name();
        this.config = config;
        this.tenancy = tenancy;
        this.impersonation = impersonation;
    }

    @Override
    public List<EventSource<?, KRMSyncer>> prepareEventSources(EventSourceContext<KRMSyncer> context) {
        IndexerResourceCache<KRMSyncer> syncers = context.getPrimaryCache();
        syncers.addIndexer(SECRET_INDEX, syncer -> secretRef(syncer)
                .map(ref -> List.of(syncer.getMetadata().getNamespace() + "/" + ref.getName())).orElse(List.of()));
        secrets = new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class, KRMSyncer.class)
                .withName("kubeconfig-secrets")
                .withSecondaryToPrimaryMapper(secret -> syncers.byIndex(SECRET_INDEX,
                        secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName()).stream()
                        .map(ResourceID::fromResource).collect(Collectors.toSet()))
                .build(), context);
        sources = new SourceWatches(context.getClient(),
                new KindDiscovery(context.getClient(), "", Reason.RuleInvalid, Clock.systemUTC()));
        destinations = new Destinations(clients);
        return List.of(secrets, sources, destinations);
    }

    @Override
    public UpdateControl<KRMSyncer> reconcile(KRMSyncer syncer, Context<KRMSyncer> context) {
        var status = new KRMSyncerStatusBuilder(syncer);
        if (status.suspended()) {
            release(syncer);
            return record(syncer, status, context, false);
        }
        try {
            validate(syncer.getSpec());
            DestinationCluster destination = connect(syncer);
            status.destination(destination.server());
            PassResult pass = runRules(syncer, destination);
            if (pass.pending() && status.wasSyncedAsIs()) {
                // Watches starting again (operator restart) with nothing known to have changed: report once they have
                // listed, which triggers the next pass, rather than write a WatchesStarting status in between.
                return UpdateControl.noUpdate();
            }
            status.passed(pass);
            // Looked at again periodically: an outage with nothing to write shows only as a destination watch gone down.
            return record(syncer, status, context, true);
        } catch (SyncBlocked blocked) {
            release(syncer);
            status.blocked(blocked.reason(), blocked.getMessage());
            return record(syncer, status, context, blocked.heals());
        }
    }

    @Override
    public ErrorStatusUpdateControl<KRMSyncer> updateErrorStatus(KRMSyncer syncer, Context<KRMSyncer> context,
            Exception e) {
        var status = new KRMSyncerStatusBuilder(syncer);
        Readiness failure = Readiness.failed(e);
        status.blocked(failure.reason(), failure.message());
        return statusRecorder.recordError(NAME, syncer, status.build(Instant.now()), context);
    }

    @Override
    public DeleteControl cleanup(KRMSyncer syncer, Context<KRMSyncer> context) {
        statusRecorder.forget(NAME, syncer);
        sources.release(ResourceID.fromResource(syncer));
        if (syncer.getSpec().getDeletionPolicy() != DeletionPolicy.Delete || Suspension.of(syncer.getSpec()).suspended()) {
            release(syncer);
            return DeleteControl.defaultDelete();
        }
        try {
            RulePass.deleteAllCopies(syncer, owner(syncer), connect(syncer), engine);
        } catch (SyncBlocked | KubernetesClientException | RuleFailure e) {
            events.warning(syncer, Reason.DeleteFailed, "deletionPolicy Delete: the copies could not all be deleted ("
                    + reasonOf(e) + ": " + e.getMessage() + "); retrying. Set deletionPolicy to Retain to let go of them.");
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.retryInterval());
        }
        release(syncer);
        return DeleteControl.defaultDelete();
    }

    /** What the CRD's schema checks on a real API server, for objects that slipped past it. */
    private static void validate(KRMSyncerSpec spec) throws SyncBlocked {
        List<String> unknownFields = TolerantSpec.problems(spec.unknownFields());
        if (!unknownFields.isEmpty()) {
            throw new SyncBlocked(Reason.InvalidSpec, unknownFields.get(0));
        }
        if (spec.getConflictPolicy() == ConflictPolicy.Unrecognized) {
            throw new SyncBlocked(Reason.InvalidSpec, "spec.conflictPolicy must be Skip or Overwrite");
        }
        if (spec.getDeletionPolicy() == DeletionPolicy.Unrecognized) {
            throw new SyncBlocked(Reason.InvalidSpec, "spec.deletionPolicy must be Retain or Delete");
        }
        if (!Impersonation.isServiceAccountName(spec.getServiceAccountName())) {
            throw new SyncBlocked(Reason.InvalidSpec, "spec.serviceAccountName \"" + spec.getServiceAccountName()
                    + "\" is not a valid ServiceAccount name");
        }
    }

    /**
     * One pass over the rules against the destination.
     *
     * @throws SyncBlocked when the destination answers nothing or no longer accepts the credentials: nothing more is
     *         touched now, and it is tried again after the retry interval
     */
    private PassResult runRules(KRMSyncer syncer, DestinationCluster destination) throws SyncBlocked {
        RulePass pass = new RulePass(syncer, owner(syncer), destination, sources,
                new SourceAccess(authorityOf(syncer), impersonation), engine, observations, metrics, clusterName);
        KRMSyncerStatus previous = syncer.getStatus();
        try {
            return pass.run(previous == null ? List.of() : previous.getRules());
        } catch (KubernetesClientException e) {
            if (!ApiErrors.isUnanswered(e) && e.getCode() != 401) {
                throw e;
            }
            LOG.warnf("KRMSyncer %s: destination %s: %s", ResourceID.fromResource(syncer), destination.server(),
                    ApiErrors.message(e));
            throw new SyncBlocked(e.getCode() == 401 ? Reason.DestinationUnauthorized : Reason.DestinationUnreachable,
                    "destination " + destination.server() + ": " + ApiErrors.message(e) + "; retrying", true);
        }
    }

    /**
     * What the KRMSyncer may read, from the namespace it lives in (docs/tenancy.md). Asked on every reconciliation,
     * never kept: the pass checks each source's consent against it, so consent withdrawn counts at the next event.
     */
    private Authority authorityOf(KRMSyncer syncer) {
        return tenancy.of(syncer.getMetadata().getNamespace(), syncer.getSpec().getServiceAccountName());
    }

    /** Its watches at both ends go: a suspended or blocked KRMSyncer watches nothing. */
    private void release(KRMSyncer syncer) {
        ResourceID id = ResourceID.fromResource(syncer);
        sources.release(id);
        destinations.release(id);
    }

    private UpdateControl<KRMSyncer> record(KRMSyncer syncer, KRMSyncerStatusBuilder status,
            Context<KRMSyncer> context, boolean lookAgain) {
        return statusRecorder.record(NAME, syncer, status.build(Instant.now()), context,
                lookAgain ? Optional.of(config.retryInterval()) : Optional.empty());
    }

    private static Reason reasonOf(Exception e) {
        if (e instanceof SyncBlocked blocked) {
            return blocked.reason();
        }
        return e instanceof KubernetesClientException failure ? ApiErrors.reason(failure) : ((RuleFailure) e).reason();
    }

    /** The destination for the Secret the KRMSyncer names, or why there is none. */
    private DestinationCluster connect(KRMSyncer syncer) throws SyncBlocked {
        Destination.KubeConfigSecretRef ref = secretRef(syncer).orElseThrow(() -> new SyncBlocked(
                Reason.KubeconfigInvalid, "spec.destination.clusterConfig.kubeConfigSecretRef is missing"));
        String namespace = syncer.getMetadata().getNamespace();
        String where = "Secret " + namespace + "/" + ref.getName();
        Secret secret = secrets.get(new ResourceID(ref.getName(), namespace)).orElseThrow(() -> new SyncBlocked(
                Reason.SecretNotFound, where + " not found (it must be in the KRMSyncer's namespace);"
                        + " nothing is synced until it exists"));
        String key = ref.getKey() == null ? "kubeconfig" : ref.getKey();
        // The Secret is read on every reconciliation; it is parsed again only when it (or the key used) changed.
        String secretVersion = secret.getMetadata().getUid() + "/" + secret.getMetadata().getResourceVersion() + "/" + key;
        ResourceID id = ResourceID.fromResource(syncer);
        Optional<DestinationCluster> current = destinations.current(id)
                .filter(destination -> destination.secretVersion().equals(secretVersion));
        if (current.isPresent()) {
            return current.get();
        }
        ClusterKubeconfig kubeconfig = kubeconfigIn(secret, key, namespace + "/" + ref.getName(), where);
        return destinations.connect(id, kubeconfig, secretVersion, owner(syncer));
    }

    private ClusterKubeconfig kubeconfigIn(Secret secret, String key, String name, String where) throws SyncBlocked {
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded == null || encoded.isEmpty()) {
            throw new SyncBlocked(Reason.KubeconfigInvalid, where + " has no key " + key);
        }
        String content;
        try {
            content = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SyncBlocked(Reason.KubeconfigInvalid, where + " key " + key + " is not valid base64");
        }
        try {
            return Kubeconfigs.parseCurrentContext(name, where, content, kubeconfigPolicy);
        } catch (InvalidKubeconfigException e) {
            throw new SyncBlocked(e.reason().isKubeconfigRefusal() ? Reason.KubeconfigRefused : Reason.KubeconfigInvalid,
                    where + " key " + key + ": " + e.reason() + ": " + e.getMessage());
        }
    }

    private static Optional<Destination.KubeConfigSecretRef> secretRef(KRMSyncer syncer) {
        var spec = syncer.getSpec();
        if (spec == null || spec.getDestination() == null || spec.getDestination().getClusterConfig() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(spec.getDestination().getClusterConfig().getKubeConfigSecretRef());
    }

    static CopyOwner owner(KRMSyncer syncer) {
        return CopyOwner.of(NAME, syncer.getMetadata().getNamespace(), syncer.getMetadata().getName());
    }
}
