package io.krmsync.krmsyncer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
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
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.clusters.ClustersConfig;
import io.krmsync.clusters.InvalidKubeconfigException;
import io.krmsync.clusters.KubeconfigPolicy;
import io.krmsync.clusters.Kubeconfigs;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.krmsyncer.KRMSyncerSpec.DeletionPolicy;
import io.krmsync.sync.ApiErrors;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.EventRecorder;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.StatusConditions;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Pushes the objects a KRMSyncer's rules select to its destination cluster. Configuration lives here (suspension,
 * the kubeconfig Secret, rules turned into watches at both ends); the object-by-object work is {@link RulePass}.
 * Source objects come from {@link SourceWatches}, the copies from {@link Destinations}; every event re-runs the pass,
 * which skips objects whose source and copy did not change since they were last found in sync.
 */
@ControllerConfiguration(name = KRMSyncer.RECONCILER, finalizerName = KRMSyncer.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// The kubeconfig Secrets. Reading the kinds named in rules is granted separately (ClusterRole krm-sync-krmsyncer-sources).
@RBACRule(apiGroups = "", resources = "secrets", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
public class KRMSyncerReconciler implements Reconciler<KRMSyncer>, Cleaner<KRMSyncer> {

    private static final Logger LOG = Logger.getLogger(KRMSyncerReconciler.class);
    private static final String SECRET_INDEX = "kubeconfig-secret";
    private static final String SUSPENDED_CONDITION = "Suspended";

    private final CopyEngine engine;
    private final EventRecorder events;
    private final SyncMetrics metrics;
    private final KubernetesSerialization serialization;
    private final RemoteClients clients;
    private final KubeconfigPolicy kubeconfigPolicy;
    private final String clusterName;
    private final long retryMillis;
    private final SourceObservations observations = new SourceObservations(Clock.systemUTC());

    private InformerEventSource<Secret, KRMSyncer> secrets;
    private SourceWatches sources;
    private Destinations destinations;

    public KRMSyncerReconciler(CopyEngine engine, EventRecorder events, SyncMetrics metrics,
            KubernetesSerialization serialization, RemoteClients clients, ClustersConfig clustersConfig,
            LocalClusterConfig localCluster, KRMSyncerConfig config) {
        this.engine = engine;
        this.events = events;
        this.metrics = metrics;
        this.serialization = serialization;
        this.clients = clients;
        this.kubeconfigPolicy = clustersConfig.insecure().policy();
        this.clusterName = localCluster.name();
        this.retryMillis = config.retryInterval().toMillis();
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
                new KindDiscovery(context.getClient(), "", RuleFailure.RULE_INVALID, Clock.systemUTC()));
        destinations = new Destinations(clients);
        return List.of(secrets, sources, destinations);
    }

    @Override
    public UpdateControl<KRMSyncer> reconcile(KRMSyncer syncer, Context<KRMSyncer> context) {
        Instant now = Instant.now();
        ResourceID id = ResourceID.fromResource(syncer);
        KRMSyncerStatus previous = syncer.getStatus() == null ? new KRMSyncerStatus() : syncer.getStatus();
        Long generation = syncer.getMetadata().getGeneration();
        List<Condition> conditions = previous.getConditions();

        Suspension suspension = Suspension.of(syncer.getSpec());
        conditions = StatusConditions.with(conditions, SUSPENDED_CONDITION, suspension.suspended(), suspension.reason(),
                suspension.message(), generation, now);
        if (suspension.suspended()) {
            sources.release(id);
            destinations.release(id);
            return finish(syncer, previous, kept(previous), conditions, now, false,
                    new Outcome(true, Suspension.SUSPENDED, suspension.message(), false));
        }

        DestinationCluster destination;
        try {
            destination = connect(syncer);
        } catch (DestinationProblem problem) {
            sources.release(id);
            destinations.release(id);
            return finish(syncer, previous, kept(previous), conditions, now, false,
                    new Outcome(false, problem.reason, problem.getMessage(), problem.retry));
        }

        RulePass pass = new RulePass(syncer, owner(syncer), destination, sources, engine,
                observations, metrics, clusterName);
        try {
            pass.run(previous.getRules());
        } catch (KubernetesClientException e) {
            if (!ApiErrors.isUnanswered(e) && e.getCode() != 401) {
                throw e;
            }
            // The destination answers nothing (or no longer accepts the credentials): nothing more is touched now.
            destinations.release(id);
            sources.release(id);
            String reason = e.getCode() == 401 ? Reason.DESTINATION_UNAUTHORIZED : Reason.DESTINATION_UNREACHABLE;
            LOG.warnf("KRMSyncer %s: destination %s: %s", id, destination.server(), ApiErrors.message(e));
            KRMSyncerStatus status = kept(previous);
            status.setDestination(destination.server());
            return finish(syncer, previous, status, conditions, now, false, new Outcome(false, reason,
                    "destination " + destination.server() + ": " + ApiErrors.message(e) + "; retrying", true));
        }
        if (pass.pending() && wasSyncedAsIs(previous, generation)) {
            // Watches starting again (operator restart) with nothing known to have changed: report once they have
            // listed, which triggers the next pass, rather than write a WatchesStarting status in between.
            return UpdateControl.noUpdate();
        }
        KRMSyncerStatus status = new KRMSyncerStatus();
        status.setDestination(destination.server());
        status.setRules(pass.ruleStatuses());
        status.setSummary(pass.summary());
        return finish(syncer, previous, status, conditions, now, pass.wrote(), outcomeOf(pass));
    }

    @Override
    public DeleteControl cleanup(KRMSyncer syncer, Context<KRMSyncer> context) {
        metrics.syncerDeleted(KRMSyncer.RECONCILER, syncer);
        ResourceID id = ResourceID.fromResource(syncer);
        sources.release(id);
        boolean deleteCopies = DeletionPolicy.Delete.name().equals(syncer.getSpec().getDeletionPolicy())
                && !Suspension.of(syncer.getSpec()).suspended();
        if (!deleteCopies) {
            destinations.release(id);
            return DeleteControl.defaultDelete();
        }
        try {
            DestinationCluster destination = connect(syncer);
            RulePass.deleteAllCopies(syncer, owner(syncer), destination, engine);
        } catch (DestinationProblem | KubernetesClientException | RuleFailure e) {
            String reason = e instanceof DestinationProblem problem ? problem.reason
                    : e instanceof KubernetesClientException failure ? ApiErrors.reason(failure)
                            : ((RuleFailure) e).reason();
            events.warning(syncer, Reason.DELETE_FAILED, "deletionPolicy Delete: the copies could not all be deleted ("
                    + reason + ": " + e.getMessage() + "); retrying. Set deletionPolicy to Retain to let go of them.");
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(retryMillis);
        }
        destinations.release(id);
        return DeleteControl.defaultDelete();
    }

    /** The destination for the Secret the KRMSyncer names, or why there is none. */
    private DestinationCluster connect(KRMSyncer syncer) throws DestinationProblem {
        Destination.KubeConfigSecretRef ref = secretRef(syncer).orElseThrow(
                () -> new DestinationProblem(Reason.KUBECONFIG_INVALID, "spec.destination.clusterConfig.kubeConfigSecretRef is missing", false));
        String namespace = syncer.getMetadata().getNamespace();
        String where = "Secret " + namespace + "/" + ref.getName();
        Secret secret = secrets.get(new ResourceID(ref.getName(), namespace)).orElse(null);
        if (secret == null) {
            throw new DestinationProblem(Reason.SECRET_NOT_FOUND, where + " not found (it must be in the KRMSyncer's namespace);"
                    + " nothing is synced until it exists", false);
        }
        String key = ref.getKey() == null ? "kubeconfig" : ref.getKey();
        // The Secret is read on every reconciliation; it is parsed again only when it (or the key used) changed.
        String secretVersion = secret.getMetadata().getUid() + "/" + secret.getMetadata().getResourceVersion() + "/" + key;
        ResourceID id = ResourceID.fromResource(syncer);
        Optional<DestinationCluster> current = destinations.current(id)
                .filter(destination -> destination.secretVersion().equals(secretVersion));
        if (current.isPresent()) {
            return current.get();
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded == null || encoded.isEmpty()) {
            throw new DestinationProblem(Reason.KUBECONFIG_INVALID, where + " has no key " + key, false);
        }
        String content;
        try {
            content = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DestinationProblem(Reason.KUBECONFIG_INVALID, where + " key " + key + " is not valid base64", false);
        }
        ClusterKubeconfig kubeconfig;
        try {
            kubeconfig = Kubeconfigs.parseCurrentContext(namespace + "/" + ref.getName(), where, content,
                    kubeconfigPolicy);
        } catch (InvalidKubeconfigException e) {
            String reason = e.reason().endsWith("Refused") ? Reason.KUBECONFIG_REFUSED : Reason.KUBECONFIG_INVALID;
            throw new DestinationProblem(reason, where + " key " + key + ": " + e.reason() + ": " + e.getMessage(), false);
        }
        return destinations.connect(id, kubeconfig, secretVersion, owner(syncer));
    }

    private static Optional<Destination.KubeConfigSecretRef> secretRef(KRMSyncer syncer) {
        var spec = syncer.getSpec();
        if (spec == null || spec.getDestination() == null || spec.getDestination().getClusterConfig() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(spec.getDestination().getClusterConfig().getKubeConfigSecretRef());
    }

    static CopyOwner owner(KRMSyncer syncer) {
        return CopyOwner.of(KRMSyncer.RECONCILER, syncer.getMetadata().getNamespace(), syncer.getMetadata().getName());
    }

    static ConflictPolicy conflictPolicy(KRMSyncerSpec spec) {
        return ConflictPolicy.Overwrite.name().equals(spec.getConflictPolicy()) ? ConflictPolicy.Overwrite
                : ConflictPolicy.Skip;
    }

    /** The Ready condition's value, and whether to look again without waiting for an event. */
    private record Outcome(boolean ready, String reason, String message, boolean retry) {
    }

    private static Outcome outcomeOf(RulePass pass) {
        List<RuleStatus> failing = pass.ruleStatuses().stream().filter(r -> r.getReason() != null).toList();
        if (!failing.isEmpty()) {
            RuleStatus first = failing.get(0);
            String detail = failing.stream().map(r -> r.getKind() + ": " + r.getLastError())
                    .reduce((a, b) -> a + "; " + b).orElse("");
            return new Outcome(false, first.getReason(), detail, true);
        }
        if (pass.pending()) {
            return new Outcome(false, Reason.WATCHES_STARTING, "waiting for the watches on the rules' kinds to list them",
                    true);
        }
        // Looked at again periodically: an outage with nothing to write shows only as a destination watch gone down.
        return new Outcome(true, Reason.SYNCED, pass.summary() + " objects in sync at " + pass.destinationServer(), true);
    }

    private static boolean wasSyncedAsIs(KRMSyncerStatus previous, Long generation) {
        return Objects.equals(previous.getObservedGeneration(), generation)
                && StatusConditions.find(previous.getConditions(), StatusConditions.READY)
                        .filter(ready -> Reason.SYNCED.equals(ready.getReason())).isPresent()
                && !StatusConditions.isTrue(previous.getConditions(), SUSPENDED_CONDITION);
    }

    /** After a problem before the pass, the copies stay where they are: status keeps reporting them. */
    private static KRMSyncerStatus kept(KRMSyncerStatus previous) {
        KRMSyncerStatus status = new KRMSyncerStatus();
        status.setDestination(previous.getDestination());
        status.setRules(previous.getRules());
        status.setSummary(previous.getSummary());
        return status;
    }

    /**
     * Sets Ready, observedGeneration and lastSyncTime, records an event when Ready's reason changes, and patches
     * the status only when it changed: a steady state writes nothing.
     */
    private UpdateControl<KRMSyncer> finish(KRMSyncer syncer, KRMSyncerStatus previous, KRMSyncerStatus status,
            List<Condition> conditions, Instant now, boolean wrote, Outcome outcome) {
        Long generation = syncer.getMetadata().getGeneration();
        status.setObservedGeneration(generation);
        status.setConditions(StatusConditions.with(conditions, StatusConditions.READY, outcome.ready(), outcome.reason(),
                outcome.message(), generation, now));
        status.setLastSyncTime(previous.getLastSyncTime());
        boolean outcomeChanged = !serialization.asJson(status).equals(serialization.asJson(previous));
        boolean syncing = outcome.ready() && !Suspension.SUSPENDED.equals(outcome.reason());
        if (syncing && (wrote || outcomeChanged || previous.getLastSyncTime() == null)) {
            status.setLastSyncTime(now.toString());
        }
        metrics.syncerStatus(KRMSyncer.RECONCILER, syncer, status.getConditions(), status.getLastSyncTime(), now);
        var before = StatusConditions.find(previous.getConditions(), StatusConditions.READY);
        // Waiting for watches to list is a step of every start and resume, not news worth an event.
        if (!Reason.WATCHES_STARTING.equals(outcome.reason())
                && before.map(c -> !Objects.equals(c.getReason(), outcome.reason())).orElse(true)) {
            if (outcome.ready()) {
                events.normal(syncer, outcome.reason(), outcome.message());
            } else {
                events.warning(syncer, outcome.reason(), outcome.message());
            }
        }
        UpdateControl<KRMSyncer> control;
        if (outcomeChanged || !Objects.equals(status.getLastSyncTime(), previous.getLastSyncTime())) {
            syncer.setStatus(status);
            control = UpdateControl.patchStatus(syncer);
        } else {
            control = UpdateControl.noUpdate();
        }
        return outcome.retry() ? control.rescheduleAfter(retryMillis) : control;
    }

    /** A destination that cannot be used, before anything is synced. */
    private static final class DestinationProblem extends Exception {

        private static final long serialVersionUID = 1L;
        private final String reason;
        private final boolean retry;

        DestinationProblem(String reason, String message, boolean retry) {
            super(message);
            this.reason = reason;
            this.retry = retry;
        }
    }

    /** Ready condition reasons. */
    static final class Reason {
        static final String SYNCED = "Synced";
        static final String WATCHES_STARTING = "WatchesStarting";
        static final String SECRET_NOT_FOUND = "SecretNotFound";
        static final String KUBECONFIG_INVALID = "KubeconfigInvalid";
        static final String KUBECONFIG_REFUSED = "KubeconfigRefused";
        static final String DESTINATION_UNREACHABLE = "DestinationUnreachable";
        static final String DESTINATION_UNAUTHORIZED = "DestinationUnauthorized";
        static final String DELETE_FAILED = "DeleteFailed";

        private Reason() {
        }
    }
}
