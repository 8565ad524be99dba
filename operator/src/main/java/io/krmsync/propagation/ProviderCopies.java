package io.krmsync.propagation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.krmsync.clusters.ClusterListener;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.RemoteCluster;
import io.krmsync.sync.CopyNamespaces;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.WatchedCopyCache;

/**
 * The copies in every provider cluster, watched so that drift is reverted as it happens rather than on a timer. One
 * informer per reachable provider, listing only this operator's copies (by their marker labels); an event on a copy
 * triggers the reconcile of its source. A cluster that becomes reachable, and every cluster once its informer has
 * synced, gets every labelled ConfigMap reconciled again and a sweep for copies whose source is gone.
 * <p>
 * Deliberately outside the operator SDK's informer health: a remote informer that cannot connect must not make the
 * operator unready, nor stop it at start-up.
 */
final class ProviderCopies extends AbstractEventSource<ConfigMap, ConfigMap> implements ClusterListener {

    private static final Logger LOG = Logger.getLogger(ProviderCopies.class);

    /** A provider's informer, the cache over it, and the namespaces known to exist there. */
    record Provider(RemoteCluster cluster, SharedIndexInformer<ConfigMap> informer, CopyTarget<ConfigMap> target,
            CopyNamespaces namespaces) {
    }

    private final ClusterRegistry registry;
    private final IndexerResourceCache<ConfigMap> sources;
    private final CopyOwner owner;
    private final Consumer<Provider> sweep;
    private final Duration maintenanceInterval;
    private final Map<String, Provider> providers = new ConcurrentHashMap<>();
    private ScheduledExecutorService maintenance;

    /**
     * @param sweep deletes the copies whose source is gone; must not block (it is called on informer threads)
     * @param maintenanceInterval how often to sweep every provider and to re-create an informer that failed
     */
    ProviderCopies(ClusterRegistry registry, IndexerResourceCache<ConfigMap> sources, CopyOwner owner,
            Consumer<Provider> sweep, Duration maintenanceInterval) {
        super(ConfigMap.class, "provider-copies");
        this.registry = registry;
        this.sources = sources;
        this.owner = owner;
        this.sweep = sweep;
        this.maintenanceInterval = maintenanceInterval;
    }

    @Override
    public void start() {
        super.start();
        registry.addListener(this);
        maintenance = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("krm-sync-propagation-sweep").daemon().factory());
        long interval = maintenanceInterval.toMillis();
        maintenance.scheduleWithFixedDelay(this::maintain, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
        registry.removeListener(this);
        providers.values().forEach(provider -> provider.informer().close());
        providers.clear();
        super.stop();
    }

    @Override
    public Set<ConfigMap> getSecondaryResources(ConfigMap primary) {
        return Set.of();
    }

    /** The reachable providers whose copies are known (informer synced), to write to now. */
    List<Provider> reachable() {
        return registry.reachable().stream().map(cluster -> providers.get(cluster.name()))
                .filter(provider -> provider != null && provider.informer().hasSynced()).toList();
    }

    @Override
    public synchronized void clusterReachable(RemoteCluster cluster) {
        Provider current = providers.remove(cluster.name());
        if (current != null) {
            // Back after being unreachable: the old informer may still be in its reconnect backoff with a stale cache
            // (every write would first be refused with a 409); a new one lists afresh, then resyncs.
            current.informer().close();
        }
        SharedIndexInformer<ConfigMap> informer = cluster.client().configMaps().inAnyNamespace()
                .withLabels(TrackingMetadata.selectorFor(owner)).runnableInformer(0);
        // Keep retrying after any failure, the first list included: the cluster may come back; removal closes it.
        informer.exceptionHandler((started, failure) -> true);
        WatchedCopyCache<ConfigMap> cache = new WatchedCopyCache<>(informer.getStore());
        informer.addEventHandler(cache.eventHandler(this::trigger));
        Provider provider = new Provider(cluster, informer,
                new CopyTarget<>(cluster.name(), ConfigMap.class, cluster.client().configMaps(), cache),
                new CopyNamespaces(cluster.client(), PropagationReconciler.NAME));
        providers.put(cluster.name(), provider);
        informer.start().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warnf("Propagation: watching copies in cluster %s failed (%s); retrying",
                        cluster.name(), failure.getClass().getSimpleName());
            } else if (providers.get(cluster.name()) == provider) {
                LOG.infof("Propagation: watching copies in cluster %s", cluster.name());
                resync(provider);
            }
        });
    }

    @Override
    public synchronized void clusterRemoved(RemoteCluster cluster) {
        Provider provider = providers.get(cluster.name());
        if (provider != null && provider.cluster() == cluster) {
            providers.remove(cluster.name());
            provider.informer().close();
        }
    }

    /** A sweep of every reachable provider now, on the maintenance thread. */
    void sweepAll() {
        if (maintenance != null) {
            maintenance.execute(this::maintain);
        }
    }

    /**
     * The safety net for what events cannot tell: sources deleted while a provider was unreachable or the operator
     * was down, and (on API servers that do not report an object leaving a label selector) labels removed.
     */
    private void maintain() {
        try {
            for (RemoteCluster cluster : registry.reachable()) {
                Provider provider = providers.get(cluster.name());
                if (provider == null || provider.cluster() != cluster) {
                    clusterReachable(cluster);
                } else if (provider.informer().hasSynced()) {
                    sweep.accept(provider);
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Propagation: periodic sweep failed");
        }
    }

    /** Every labelled ConfigMap reconciled again (a new or returning cluster gets them all), then a sweep. */
    private void resync(Provider provider) {
        if (!isRunning()) {
            return;
        }
        sources.list().forEach(source -> getEventHandler().handleEvent(new Event(ResourceID.fromResource(source))));
        sweep.accept(provider);
    }

    private void trigger(ConfigMap copy) {
        if (isRunning()) {
            sourceOf(copy).ifPresent(source -> getEventHandler().handleEvent(new Event(source)));
        }
    }

    /** A copy has the source's namespace and name; only this operator's copies are watched. */
    private Optional<ResourceID> sourceOf(ConfigMap copy) {
        if (TrackingMetadata.ownership(copy, owner) != TrackingMetadata.Ownership.OWNED) {
            return Optional.empty();
        }
        return Optional.of(new ResourceID(copy.getMetadata().getName(), copy.getMetadata().getNamespace()));
    }
}
