package io.krmsync.propagation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.krmsync.clusters.ClusterListener;
import io.krmsync.clusters.ClusterRegistry;
import io.krmsync.clusters.RemoteCluster;
import io.krmsync.sync.CopyNamespaces;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UnmanagedInformer;

/**
 * The copies in every provider cluster, watched so that drift is reverted as it happens rather than on a timer: one
 * informer per reachable provider, listing only this operator's copies (by their marker labels); an event on a copy
 * triggers the reconciliation of its source (same namespace and name). A provider whose informer has listed, new or
 * back after an outage, gets every labelled ConfigMap reconciled again and a sweep for copies whose source is gone;
 * every sweep-interval, each provider is swept again and an informer that was lost is re-created.
 * <p>
 * Unmanaged (see {@link UnmanagedInformer}): clusters come and go while the operator runs, and a provider that cannot
 * be reached must neither make the operator unready nor stop it at start-up. Sweeps run one at a time, on this
 * source's maintenance thread.
 */
final class ProviderCopies extends SimpleInboundEventSource<ConfigMap> implements ClusterListener {

    private static final Logger LOG = Logger.getLogger(ProviderCopies.class);

    /** A provider's informer on the copies, the copy target over it, and the namespaces known to exist there. */
    record Provider(RemoteCluster cluster, UnmanagedInformer<ConfigMap> informer, CopyTarget<ConfigMap> target,
            CopyNamespaces namespaces) {
    }

    private final ClusterRegistry registry;
    private final Cache<ConfigMap> sources;
    private final CopyOwner owner;
    private final GoneSources gone;
    private final Duration maintenanceInterval;
    private final Map<String, Provider> providers = new ConcurrentHashMap<>();
    private ScheduledExecutorService maintenance;

    /** @param maintenanceInterval how often to sweep every provider and to re-create an informer that was lost */
    ProviderCopies(ClusterRegistry registry, Cache<ConfigMap> sources, CopyOwner owner, GoneSources gone,
            Duration maintenanceInterval) {
        super("provider-copies");
        this.registry = registry;
        this.sources = sources;
        this.owner = owner;
        this.gone = gone;
        this.maintenanceInterval = maintenanceInterval;
    }

    @Override
    public void start() {
        super.start();
        maintenance = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("krm-sync-propagation-sweep").daemon().factory());
        registry.addListener(this);
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

    /** The reachable providers whose copies are known (informer listed), to write to now. */
    List<Provider> reachable() {
        return registry.reachable().stream().map(cluster -> providers.get(cluster.name()))
                .filter(provider -> provider != null && provider.informer().hasSynced()).toList();
    }

    /**
     * A new informer, also for a cluster back after being unreachable: the old one may still be in its reconnect
     * backoff with a stale cache (every write would first be refused with a 409); a new one lists afresh.
     */
    @Override
    public synchronized void clusterReachable(RemoteCluster cluster) {
        Provider current = providers.remove(cluster.name());
        if (current != null) {
            current.informer().close();
        }
        UnmanagedInformer<ConfigMap> informer = UnmanagedInformer
                .watching("propagation's copies in cluster " + cluster.name(),
                        cluster.client().configMaps().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)))
                .onChange(this::sourceOf)
                .onListed(() -> listed(cluster))
                .build();
        providers.put(cluster.name(), new Provider(cluster, informer,
                new CopyTarget<>(cluster.name(), ConfigMap.class, cluster.client().configMaps(), informer.cache()),
                new CopyNamespaces(cluster.client(), PropagationReconciler.NAME)));
        informer.start();
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
        for (RemoteCluster cluster : registry.reachable()) {
            Provider provider = providers.get(cluster.name());
            if (provider == null || provider.cluster() != cluster) {
                reconnect(cluster);
            } else {
                sweep(provider);
            }
        }
    }

    /** Every labelled ConfigMap reconciled again (a new or returning cluster gets them all), then a sweep. */
    private void listed(RemoteCluster cluster) {
        Provider provider = providers.get(cluster.name());
        if (provider == null || provider.cluster() != cluster || !isRunning()) {
            return;
        }
        sources.list().forEach(source -> propagateEvent(ResourceID.fromResource(source)));
        maintenance.execute(() -> sweep(provider));
    }

    /** Sweeps the provider if it is still the current one for its cluster and has listed its copies. */
    private void sweep(Provider provider) {
        if (providers.get(provider.cluster().name()) != provider || !provider.informer().hasSynced()) {
            return;
        }
        try {
            gone.sweep(provider);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Propagation: sweeping cluster %s failed", provider.cluster().name());
        }
    }

    private void reconnect(RemoteCluster cluster) {
        try {
            clusterReachable(cluster);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Propagation: watching copies in cluster %s failed", cluster.name());
        }
    }

    /** A copy has the source's namespace and name; only this operator's copies are watched. */
    private void sourceOf(ConfigMap copy) {
        if (TrackingMetadata.ownership(copy, owner) == TrackingMetadata.Ownership.OWNED) {
            propagateEvent(new ResourceID(copy.getMetadata().getName(), copy.getMetadata().getNamespace()));
        }
    }
}
