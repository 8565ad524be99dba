package io.krmsync.propagation;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.LocalClusterConfig;
import io.krmsync.leadership.Leadership;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.propagation.ProviderOutcomes.Outcome;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UncopyableObjectException;
import io.krmsync.tenancy.Tenancy;
import io.quarkiverse.operatorsdk.annotations.RBACRule;

/**
 * Pushes every labelled ConfigMap of the local cluster's namespaces in the propagation scope ({@link PropagationScope})
 * to every reachable provider cluster, under the same namespace and name, and reverts drift there (the copies are
 * watched, see {@link ProviderCopies}). A deleted or unlabelled ConfigMap takes its copies with it without a finalizer
 * on the user's object ({@link SourceDeletions}, and the periodic sweep for what happened while the operator or a
 * provider was down; both outside reconciliations, see {@link GoneSources} for why); so does one whose namespace is
 * out of scope, reported once by a Warning Event. Namespaces are watched, so that a namespace labelled into or out of
 * the scope has its labelled ConfigMaps reconciled again at once. Each provider is written in parallel and reported
 * on its own ({@link ProviderWrites}): one slow or failing cluster neither blocks nor fails the others, and an
 * unreachable one is skipped until it answers again.
 */
@ControllerConfiguration(name = PropagationReconciler.NAME,
        informer = @Informer(labelSelector = PropagationReconciler.DEFAULT_SELECTOR))
@RBACRule(apiGroups = "", resources = "configmaps", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "namespaces", verbs = { "get", "list", "watch" })
@RBACRule(apiGroups = "", resources = "events", verbs = { "create" })
public class PropagationReconciler implements Reconciler<ConfigMap> {

    /** The controller's name, also the reconciler label of metrics and the reconciler part of copy markers. */
    public static final String NAME = "propagation";
    static final String DEFAULT_SELECTOR = "example.io/propagate=true";

    private final CopyEngine engine;
    private final ClusterRegistry registry;
    private final SyncMetrics metrics;
    private final PropagationConfig config;
    private final KubernetesClient localClient;
    private final String localClusterName;
    private final SourceObservations observations = new SourceObservations(Clock.systemUTC());
    private final ProviderOutcomes outcomes;
    private final Leadership leadership;
    private final PropagationScope scope;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

    private CopyOwner owner;
    private IndexerResourceCache<ConfigMap> sources;
    private InformerEventSource<Namespace, ConfigMap> namespaces;
    private ProviderCopies providers;
    private ProviderWrites writes;
    private GoneSources gone;

    public PropagationReconciler(CopyEngine engine, ClusterRegistry registry, EventRecorder events, SyncMetrics metrics,
            PropagationConfig config, KubernetesClient localClient, LocalClusterConfig localCluster,
            Leadership leadership, Tenancy tenancy) {
        this.engine = engine;
        this.registry = registry;
        this.metrics = metrics;
        this.config = config;
        this.localClient = localClient;
        this.localClusterName = localCluster.name();
        this.outcomes = new ProviderOutcomes(events);
        this.leadership = leadership;
        this.scope = PropagationScope.of(config, tenancy);
    }

    @Override
    public List<EventSource<?, ConfigMap>> prepareEventSources(EventSourceContext<ConfigMap> context) {
        // The owner is this operator's local cluster, by identity: two operators in different clusters pushing into the
        // same provider see each other's copies as someone else's.
        owner = new CopyOwner(NAME, registry.localIdentity());
        sources = context.getPrimaryCache();
        writes = new ProviderWrites(engine, owner, config.conflictPolicy(), config.createNamespaces(), metrics,
                observations, registry::connectionFailed, writers);
        namespaces = new InformerEventSource<>(InformerEventSourceConfiguration.from(Namespace.class, ConfigMap.class)
                .withName("namespaces")
                .withWatchAllNamespaces()
                // Only a namespace labelled into or out of the scope changes what is propagated.
                .withOnUpdateFilter((now, before) -> scope.selects(now) != scope.selects(before))
                .withSecondaryToPrimaryMapper(this::labelledConfigMapsIn)
                .build(), context);
        gone = new GoneSources(engine, owner, sources, localClient,
                context.getControllerConfiguration().getInformerConfig().getLabelSelector(), this::inScope,
                leadership::isLeader, writers, outcomes, observations);
        providers = new ProviderCopies(registry, sources, owner, gone, config.sweepInterval());
        // A standby skipped deletions and sweeps: a new leader sweeps every provider at once.
        leadership.whenLeading(providers::sweepAll);
        return List.of(namespaces, providers, new SourceDeletions(context, providers, gone));
    }

    @Override
    public UpdateControl<ConfigMap> reconcile(ConfigMap source, Context<ConfigMap> context) {
        if (!inScope(source.getMetadata().getNamespace())) {
            return outOfScope(source);
        }
        List<Provider> targets = providers.reachable();
        GenericKubernetesResource desired;
        try {
            validate(source);
            desired = desiredCopy(source);
        } catch (UncopyableObjectException refused) {
            outcomes.notPropagated(source, refused.reason(), refused.getMessage());
            return UpdateControl.noUpdate();
        }
        List<Outcome> results = writes.write(source, desired, targets);
        return record(source, results);
    }

    @PreDestroy
    void stop() {
        writers.shutdownNow();
    }

    /**
     * Whether the namespace's labelled ConfigMaps are propagated. The namespace is read from the informer's cache, or
     * from the API server when the cache does not hold it yet (a ConfigMap's event can arrive before its new
     * namespace's): a namespace just created in scope is not reported out of scope.
     */
    private boolean inScope(String namespace) {
        return scope.includes(namespace, () -> namespaces.get(new ResourceID(namespace))
                .or(() -> Optional.ofNullable(localClient.namespaces().withName(namespace).get())));
    }

    private Set<ResourceID> labelledConfigMapsIn(Namespace namespace) {
        return sources.list(namespace.getMetadata().getName()).map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /**
     * Not propagated, and its copies in every reachable provider go, as if it were gone (the others' go when they are
     * back, or at the sweep); reported once, until it is propagated again.
     */
    private UpdateControl<ConfigMap> outOfScope(ConfigMap source) {
        ResourceID id = ResourceID.fromResource(source);
        gone.removeCopies(id, providers.reachable()).join();
        observations.forget(id.toString());
        outcomes.notPropagated(source, Reason.NamespaceOutOfScope, scope.outOfScope(id.getNamespace().orElseThrow()));
        return UpdateControl.noUpdate();
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
}
