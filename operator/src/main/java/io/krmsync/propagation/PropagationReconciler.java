package io.krmsync.propagation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
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
 * periodic sweep for what happened while the operator or a provider was down). Each provider is written in parallel
 * and reported on its own: one slow or failing cluster neither blocks nor fails the others, and an unreachable one is
 * skipped until it answers again.
 */
@ControllerConfiguration(name = PropagationReconciler.NAME,
        informer = @Informer(labelSelector = PropagationReconciler.DEFAULT_SELECTOR))
@RBACRule(apiGroups = "", resources = "configmaps", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
public class PropagationReconciler implements Reconciler<ConfigMap> {

    static final String NAME = "propagation";
    static final String DEFAULT_SELECTOR = "example.io/propagate=true";
    private static final Logger LOG = Logger.getLogger(PropagationReconciler.class);

    private final CopyEngine engine;
    private final ClusterRegistry registry;
    private final EventRecorder events;
    private final SyncMetrics metrics;
    private final PropagationConfig config;
    private final KubernetesClient localClient;
    private final String localClusterName;
    private final SourceObservations sourceObservations = new SourceObservations(Clock.systemUTC());
    private final ProviderOutcomes outcomes;
    private final Leadership leadership;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

    private CopyOwner owner;
    private String selector;
    private IndexerResourceCache<ConfigMap> sources;
    private ProviderCopies providerCopies;

    public PropagationReconciler(CopyEngine engine, ClusterRegistry registry, EventRecorder events, SyncMetrics metrics,
            PropagationConfig config, KubernetesClient localClient, LocalClusterConfig localCluster,
            Leadership leadership) {
        this.engine = engine;
        this.registry = registry;
        this.events = events;
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
        selector = context.getControllerConfiguration().getInformerConfig().getLabelSelector();
        sources = context.getPrimaryCache();
        providerCopies = new ProviderCopies(registry, sources, owner,
                provider -> writers.execute(() -> sweep(provider)), config.sweepInterval());
        SourceDeletions deletions = new SourceDeletions(localClient,
                context.getControllerConfiguration().getInformerConfig().getNamespaces(), selector,
                source -> writers.execute(
                        () -> sourceGone(ResourceID.fromResource(source), source.getMetadata().getUid())));
        // A standby skipped deletions and sweeps: a new leader sweeps every provider at once.
        leadership.whenLeading(providerCopies::sweepAll);
        return List.of(providerCopies, deletions);
    }

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap source, Context<ConfigMap> context) {
        ResourceID id = ResourceID.fromResource(source);
        var sourceOwner = TrackingMetadata.ownerKey(source);
        if (sourceOwner.isPresent()) {
            outcomes.notPropagated(source, Reason.SourceIsACopy, "this ConfigMap is a copy managed by krm-sync ("
                    + sourceOwner.get() + "); only sources are propagated, so that copies never chain or loop");
            return UpdateControl.noUpdate();
        }

        SourceRef sourceRef = new SourceRef(localClusterName, id.getNamespace().orElseThrow(), id.getName());
        GenericKubernetesResource desired;
        try {
            desired = engine.sanitizer().desiredCopy(source, sourceRef.namespace(), sourceRef, owner);
        } catch (UncopyableObjectException e) {
            // e.g. a namespace's kube-root-ca.crt: every cluster has its own; retrying cannot help.
            outcomes.notPropagated(source, e.reason(), e.getMessage());
            return UpdateControl.noUpdate();
        }
        Instant firstSeen = sourceObservations.firstSeen(id.toString(), source.getMetadata().getResourceVersion());
        List<CompletableFuture<ProviderOutcomes.Outcome>> writes = providerCopies.reachable().stream()
                .map(provider -> CompletableFuture.supplyAsync(() -> propagate(provider, desired, firstSeen), writers))
                .toList();
        List<ProviderOutcomes.Outcome> results = writes.stream().map(CompletableFuture::join).toList();
        if (sources.get(id).isEmpty()) {
            // Deleted while this reconcile was writing: the deletion's own removal may have run before these writes.
            sourceGone(id, source.getMetadata().getUid());
            return UpdateControl.noUpdate();
        }
        boolean retry = outcomes.record(source, results);
        return retry ? UpdateControl.<ConfigMap> noUpdate().rescheduleAfter(config.retryInterval())
                : UpdateControl.noUpdate();
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }

    private ProviderOutcomes.Outcome propagate(Provider provider, GenericKubernetesResource desired, Instant firstSeen) {
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
                metrics.copyLatency(NAME, cluster, sourceObservations.since(firstSeen));
            }
            return result.outcome() == CopyResult.Outcome.CONFLICT
                    ? ProviderOutcomes.Outcome.conflict(cluster, result.message())
                    : ProviderOutcomes.Outcome.synced(cluster);
        } catch (KubernetesClientException e) {
            if (ApiErrors.isUnanswered(e)) {
                registry.connectionFailed(provider.cluster(), e);
            }
            LOG.warnf("Propagation of ConfigMap %s/%s to cluster %s failed: %s: %s", namespace,
                    desired.getMetadata().getName(), cluster, ApiErrors.reason(e), ApiErrors.message(e));
            return ProviderOutcomes.Outcome.failed(cluster, ApiErrors.reason(e), ApiErrors.message(e));
        }
    }

    /**
     * The source is gone or no longer selected: its copies go, in every reachable provider. The SDK's cache may not
     * have seen the deletion yet; only a source with another UID (created again meanwhile) keeps the copies.
     */
    private void sourceGone(ResourceID id, String goneUid) {
        if (!leadership.isLeader()) {
            return;
        }
        if (sources.get(id).filter(current -> !Objects.equals(current.getMetadata().getUid(), goneUid)).isPresent()) {
            return;
        }
        outcomes.forget(id);
        sourceObservations.forget(id.toString());
        List<CompletableFuture<Void>> deletes = providerCopies.reachable().stream()
                .map(provider -> CompletableFuture.runAsync(() -> provider.target().cache()
                        .get(id.getNamespace().orElseThrow(), id.getName())
                        .ifPresent(copy -> deleteCopy(provider, copy)), writers))
                .toList();
        deletes.forEach(CompletableFuture::join);
    }

    private void deleteCopy(Provider provider, ConfigMap copy) {
        try {
            // Counted in krm_sync_copy_writes_total{operation="delete"}; one line per copy would flood the log on bulk deletes.
            if (provider.cluster().bounded(() -> engine.deleteCopy(provider.target(), copy, owner))) {
                LOG.debugf("Propagation: deleted ConfigMap %s/%s in cluster %s: its source is gone or no longer labelled",
                        copy.getMetadata().getNamespace(), copy.getMetadata().getName(), provider.cluster().name());
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("Propagation: deleting ConfigMap %s/%s in cluster %s failed: %s; the next sweep retries",
                    copy.getMetadata().getNamespace(), copy.getMetadata().getName(), provider.cluster().name(),
                    ApiErrors.reason(e));
        }
    }

    /**
     * Deletes the provider's copies whose source no longer exists or is no longer selected, asking the local API
     * server (not the cache, which may still be filling) before each delete.
     */
    private void sweep(Provider provider) {
        if (!leadership.isLeader()) {
            return;
        }
        for (ConfigMap copy : provider.informer().getStore().list()) {
            String namespace = copy.getMetadata().getNamespace();
            String name = copy.getMetadata().getName();
            if (TrackingMetadata.ownership(copy, owner) != TrackingMetadata.Ownership.OWNED
                    || sources.get(new ResourceID(name, namespace)).isPresent()) {
                continue;
            }
            try {
                boolean sourceSelected = !localClient.configMaps().inNamespace(namespace).list(new ListOptionsBuilder()
                        .withLabelSelector(selector).withFieldSelector("metadata.name=" + name).build())
                        .getItems().isEmpty();
                if (!sourceSelected) {
                    deleteCopy(provider, copy);
                }
            } catch (KubernetesClientException e) {
                LOG.warnf("Propagation: checking the source of ConfigMap %s/%s in cluster %s failed: %s", namespace, name,
                        provider.cluster().name(), ApiErrors.reason(e));
            }
        }
    }
}
