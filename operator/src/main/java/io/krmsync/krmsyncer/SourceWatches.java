package io.krmsync.krmsyncer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.krmsync.status.Reason;

/**
 * The watches on the source objects of every KRMSyncer's rules, in the local cluster: one informer per kind and
 * namespace (or all namespaces), shared by the KRMSyncers that need it, started when the first one asks and closed
 * when the last one lets go, so rules can change at runtime without a restart or a watch left behind. An event on an
 * object triggers every KRMSyncer using that watch.
 * <p>
 * Outside the operator SDK's informer health on purpose: a kind the operator may not list fails its rule, not the
 * operator's readiness.
 */
final class SourceWatches extends AbstractEventSource<GenericKubernetesResource, KRMSyncer> {

    private static final Logger LOG = Logger.getLogger(SourceWatches.class);

    /** @param namespace null for every namespace (and for cluster-scoped kinds) */
    record WatchKey(RuleKind kind, String namespace) {

        @Override
        public String toString() {
            return kind + (namespace == null ? "" : " in namespace " + namespace);
        }
    }

    /** One informer and the KRMSyncers using it. */
    static final class Watch {

        private final SharedIndexInformer<GenericKubernetesResource> informer;
        private final Set<ResourceID> syncers = ConcurrentHashMap.newKeySet();

        private Watch(SharedIndexInformer<GenericKubernetesResource> informer) {
            this.informer = informer;
        }

        boolean synced() {
            return informer.hasSynced();
        }

        List<GenericKubernetesResource> objects() {
            return informer.getStore().list();
        }
    }

    /** How long a kind found by discovery is trusted before it is looked up again (a CRD may change scope). */
    private static final Duration DISCOVERY_TTL = Duration.ofMinutes(1);

    private record KnownKind(RuleKind kind, Instant until) {
    }

    private final KubernetesClient client;
    private final Map<String, KnownKind> kinds = new ConcurrentHashMap<>();
    private final Map<WatchKey, Watch> watches = new ConcurrentHashMap<>();
    private final Map<ResourceID, Set<WatchKey>> used = new ConcurrentHashMap<>();

    SourceWatches(KubernetesClient client) {
        super(GenericKubernetesResource.class, "krmsyncer-sources");
        this.client = client;
    }

    @Override
    public Set<GenericKubernetesResource> getSecondaryResources(KRMSyncer primary) {
        return Set.of();
    }

    @Override
    public synchronized void stop() {
        watches.values().forEach(watch -> watch.informer.close());
        watches.clear();
        used.clear();
        super.stop();
    }

    /** The rule's kind as the local cluster serves it. */
    RuleKind kind(SyncRule rule) throws RuleFailure {
        String key = RulePass.kindKey(rule.getGroup(), rule.getVersion(), rule.getKind());
        KnownKind known = kinds.get(key);
        if (known != null && known.until().isAfter(Instant.now())) {
            return known.kind();
        }
        RuleKind found = KindDiscovery.resolve(client, rule, "", Reason.RuleInvalid);
        kinds.put(key, new KnownKind(found, Instant.now().plus(DISCOVERY_TTL)));
        return found;
    }

    /**
     * The watch for this key, started if no KRMSyncer had it yet, now also used by this one.
     *
     * @throws KubernetesClientException when the operator cannot list the kind there (403 above all)
     */
    synchronized Watch acquire(ResourceID syncer, WatchKey key) {
        Watch watch = watches.get(key);
        if (watch == null) {
            watch = start(key);
            watches.put(key, watch);
        }
        watch.syncers.add(syncer);
        used.computeIfAbsent(syncer, id -> new HashSet<>()).add(key);
        return watch;
    }

    /** Lets go of this KRMSyncer's watches except {@code keep}; a watch no one uses any more is closed. */
    synchronized void retain(ResourceID syncer, Set<WatchKey> keep) {
        Set<WatchKey> keys = used.getOrDefault(syncer, Set.of());
        for (WatchKey key : Set.copyOf(keys)) {
            if (keep.contains(key)) {
                continue;
            }
            keys.remove(key);
            Watch watch = watches.get(key);
            if (watch != null && watch.syncers.remove(syncer) && watch.syncers.isEmpty()) {
                watches.remove(key);
                watch.informer.close();
                LOG.infof("KRMSyncer: stopped watching %s", key);
            }
        }
        if (keys.isEmpty()) {
            used.remove(syncer);
        }
    }

    void release(ResourceID syncer) {
        retain(syncer, Set.of());
    }

    /** How many watches are open: for tests and the benchmark, which check that none is left behind. */
    int size() {
        return watches.size();
    }

    private Watch start(WatchKey key) {
        var kind = client.genericKubernetesResources(key.kind().context());
        FilterWatchListDeletable<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> objects =
                key.namespace() == null ? kind.inAnyNamespace() : kind.inNamespace(key.namespace());
        // Fails fast, with the API server's reason, when the operator may not list the kind: the informer would
        // otherwise retry forever in the background.
        objects.list(new ListOptionsBuilder().withLimit(1L).build());
        SharedIndexInformer<GenericKubernetesResource> informer = objects.runnableInformer(0);
        informer.exceptionHandler((started, failure) -> true);
        Watch watch = new Watch(informer);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource object) {
                trigger(watch);
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                trigger(watch);
            }

            @Override
            public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
                trigger(watch);
            }
        });
        informer.start().whenComplete((ignored, failure) -> {
            if (failure == null) {
                LOG.infof("KRMSyncer: watching %s", key);
                trigger(watch);
            }
        });
        return watch;
    }

    private void trigger(Watch watch) {
        if (isRunning()) {
            watch.syncers.forEach(syncer -> getEventHandler().handleEvent(new Event(syncer)));
        }
    }
}
