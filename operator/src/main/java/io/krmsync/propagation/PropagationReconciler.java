package io.krmsync.propagation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.leadership.Leadership;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.propagation.ProviderOutcomes.Outcome;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyResult;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UncopyableObjectException;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Pushes every labelled ConfigMap of the local cluster to every reachable provider cluster, under the same namespace
 * and name, and reverts drift there (the copies are watched, see {@link ProviderCopies}). A deleted or unlabelled
 * ConfigMap takes its copies with it without a finalizer on the user's object ({@link SourceDeletions}, and the
 * periodic sweep for what happened while the operator or a provider was down; both outside reconciliations, see
 * {@link GoneSources} for why). Each provider is written in parallel and reported on its own: one slow or failing
 * cluster neither blocks nor fails the others, and an unreachable one is skipped until it answers again.
 */
@ControllerConfiguration(name = PropagationReconciler.NAME,
        informer = @Informer(labelSelector = PropagationReconciler.DEFAULT_SELECTOR))
@RBACRule(apiGroups = "", resources = "configmaps", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
public class PropagationReconciler implements Reconciler<ConfigMap> {

    /** The controller's name, also the reconciler label of metrics and the reconciler part of copy markers. */
    public static final String NAME = "propagation";
    static final String DEFAULT_SELECTOR = "example.io/propagate=true";
    private static final Logger LOG = Logger.getLogger(PropagationReconciler.class);

    private final CopyEngine engine;
    private final ClusterRegistry registry;
    private final SyncMetrics metrics;
    private final PropagationConfig config;
    private final KubernetesClient localClient;
    private final String localClusterName;
    private final SourceObservations observations = new SourceObservations(Clock.systemUTC());
    private final ProviderOutcomes outcomes;
    private final Leadership leadership;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

    private CopyOwner owner;
    private IndexerResourceCache<ConfigMap> sources;
    private ProviderCopies providers;
    private GoneSources gone;

    public PropagationReconciler(CopyEngine engine, ClusterRegistry registry, EventRecorder events, SyncMetrics metrics,
            PropagationConfig config, KubernetesClient localClient, LocalClusterConfig localCluster,
            Leadership leadership) {
        this.engine = engine;
        this.registry = registry;
        this.metrics = metrics;
        this.config = config;
        this.localClient = localClient;
        this.localClusterName = localCluster.name();
        this.outcomes = new ProviderOutcomes(events);
        this.leadership = leadership;
    }

    @Override
    public List<EventSource<?, ConfigMap>> prepareEventSources(EventSourceContext<ConfigMap> context) {
        // The owner is this operator's local cluster, by identity: two operators in different clusters pushing into the
        // same provider see each other's copies as someone else's.
        owner = new CopyOwner(NAME, registry.localIdentity());
        sources = context.getPrimaryCache();
        gone = new GoneSources(engine, owner, sources, localClient,
                context.getControllerConfiguration().getInformerConfig().getLabelSelector(), leadership::isLeader,
                writers, outcomes, observations);
        providers = new ProviderCopies(registry, sources, owner, gone, config.sweepInterval());
        // A standby skipped deletions and sweeps: a new leader sweeps every provider at once.
        leadership.whenLeading(providers::sweepAll);
        return List.of(providers, new SourceDeletions(context, providers, gone));
    }

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap source, Context<ConfigMap> context) {
        List<Provider> targets = providers.reachable();
        GenericKubernetesResource desired;
        try {
            validate(source);
            desired = desiredCopy(source);
        } catch (UncopyableObjectException refused) {
            outcomes.notPropagated(source, refused.reason(), refused.getMessage());
            return UpdateControl.noUpdate();
        }
        List<Outcome> results = write(source, desired, targets);
        return record(source, results);
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }

    /** A krm-sync copy is never propagated again, so that copies never chain or loop. */
    private static void validate(ConfigMap source) {
        TrackingMetadata.ownerKey(source).ifPresent(copyOwner -> {
            throw new UncopyableObjectException(Reason.SourceIsACopy, "this ConfigMap is a copy managed by krm-sync ("
                    + copyOwner + "); only sources are propagated, so that copies never chain or loop");
        });
    }

    /**
     * The copy every provider should hold.
     *
     * @throws UncopyableObjectException for what is never copied, e.g. a namespace's kube-root-ca.crt: every cluster
     *         has its own; retrying cannot help
     */
    private GenericKubernetesResource desiredCopy(ConfigMap source) {
        SourceRef ref = new SourceRef(localClusterName, source.getMetadata().getNamespace(),
                source.getMetadata().getName());
        return engine.sanitizer().desiredCopy(source, ref.namespace(), ref, owner);
    }

    /** Writes the copy to every provider in parallel; one slow or failing provider holds up none of the others. */
    private List<Outcome> write(ConfigMap source, GenericKubernetesResource desired, List<Provider> targets) {
        Instant firstSeen = observations.firstSeen(ResourceID.fromResource(source).toString(),
                source.getMetadata().getResourceVersion());
        List<CompletableFuture<Outcome>> writes = targets.stream()
                .map(provider -> CompletableFuture.supplyAsync(() -> propagate(provider, desired, firstSeen), writers))
                .toList();
        return writes.stream().map(CompletableFuture::join).toList();
    }

    /**
     * Events on the source for what changed, and a retry while a write fails. A source deleted while this reconcile
     * was writing takes the copies just written with it: the deletion's own removal may have run before these writes.
     */
    private UpdateControl<ConfigMap> record(ConfigMap source, List<Outcome> results) {
        ResourceID id = ResourceID.fromResource(source);
        if (sources.get(id).isEmpty()) {
            gone.removeCopies(id, source.getMetadata().getUid(), providers.reachable()).join();
            return UpdateControl.noUpdate();
        }
        boolean retry = outcomes.record(source, results);
        return retry ? UpdateControl.<ConfigMap> noUpdate().rescheduleAfter(config.retryInterval())
                : UpdateControl.noUpdate();
    }

    private Outcome propagate(Provider provider, GenericKubernetesResource desired, Instant firstSeen) {
        String cluster = provider.cluster().name();
        String namespace = desired.getMetadata().getNamespace();
        try {
            CopyResult result = provider.cluster().bounded(() -> {
                if (provider.target().cache().get(namespace, desired.getMetadata().getName()).isEmpty()) {
                    if (provider.namespaces().ensure(namespace)) {
                        LOG.infof("Propagation: created namespace %s in cluster %s", namespace, cluster);
                    }
                }
                return engine.sync(provider.target(), desired, owner, config.conflictPolicy());
            });
            if (result.carriedSourceChange()) {
                metrics.copyLatency(NAME, cluster, observations.since(firstSeen));
            }
            return result.outcome() == CopyResult.Outcome.CONFLICT
                    ? Outcome.conflict(cluster, result.message())
                    : Outcome.synced(cluster);
        } catch (KubernetesClientException e) {
            if (ApiErrors.isUnanswered(e)) {
                registry.connectionFailed(provider.cluster(), e);
            }
            LOG.warnf("Propagation of ConfigMap %s/%s to cluster %s failed: %s: %s", namespace,
                    desired.getMetadata().getName(), cluster, ApiErrors.reason(e), ApiErrors.message(e));
            return Outcome.failed(cluster, ApiErrors.reason(e), ApiErrors.message(e));
        }
    }
}
