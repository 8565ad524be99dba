package io.krmsync.krmsyncer;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.krmsync.sync.SharedInformers;
import io.krmsync.sync.UnmanagedInformer;

/**
 * The watches on the source objects of every KRMSyncer's rules, in the local cluster: one informer per kind and
 * namespace (or all namespaces), shared by the KRMSyncers that need it, so rules can change at runtime without a
 * restart or a watch left behind. Any event on an object triggers every KRMSyncer using that watch.
 * <p>
 * Unmanaged (see {@link UnmanagedInformer}) on purpose: a kind the operator may not list fails its rule, not the
 * operator's readiness, and the SDK's event sources are fixed when the controller starts while rules are not.
 */
final class SourceWatches extends SimpleInboundEventSource<KRMSyncer> {

    /** @param namespace null for every namespace (and for cluster-scoped kinds) */
    record WatchKey(RuleKind kind, String namespace) {

        @Override
        public String toString() {
            return kind + (namespace == null ? "" : " in namespace " + namespace);
        }
    }

    /** One watched kind and namespace, shared by the KRMSyncers using it. */
    static final class Watch {

        private final UnmanagedInformer<GenericKubernetesResource> informer;

        private Watch(UnmanagedInformer<GenericKubernetesResource> informer) {
            this.informer = informer;
        }

        boolean synced() {
            return informer.hasSynced();
        }

        List<GenericKubernetesResource> objects() {
            return informer.list();
        }
    }

    private final KubernetesClient client;
    private final KindDiscovery kinds;
    private final SharedInformers<WatchKey, GenericKubernetesResource> watches =
            new SharedInformers<>(this::open, this::propagateEvent);

    SourceWatches(KubernetesClient client, KindDiscovery kinds) {
        super("krmsyncer-sources");
        this.client = client;
        this.kinds = kinds;
    }

    @Override
    public void stop() {
        watches.closeAll();
        super.stop();
    }

    /** The rule's kind as the local cluster serves it. */
    RuleKind kind(GroupVersionKind gvk) throws RuleFailure {
        return kinds.resolve(gvk);
    }

    /**
     * The watch for this key, started if no KRMSyncer had it yet, now also used by this one.
     *
     * @throws KubernetesClientException when the operator cannot list the kind there (403 above all)
     */
    Watch acquire(ResourceID syncer, WatchKey key) {
        return new Watch(watches.acquire(syncer, key));
    }

    /** Lets go of this KRMSyncer's watches except {@code keep}; a watch no one uses any more is closed. */
    void retain(ResourceID syncer, Set<WatchKey> keep) {
        watches.retain(syncer, keep);
    }

    void release(ResourceID syncer) {
        watches.release(syncer);
    }

    /** The open watches, of every KRMSyncer. */
    Set<WatchKey> keys() {
        return watches.keys();
    }

    private UnmanagedInformer<GenericKubernetesResource> open(WatchKey key, Runnable triggerSyncers) {
        var kind = client.genericKubernetesResources(key.kind().context());
        FilterWatchListDeletable<GenericKubernetesResource, ?, Resource<GenericKubernetesResource>> objects =
                key.namespace() == null ? kind.inAnyNamespace() : kind.inNamespace(key.namespace());
        // Fails fast, with the API server's reason, when the operator may not list the kind: the informer would
        // otherwise retry forever in the background.
        objects.list(new ListOptionsBuilder().withLimit(1L).build());
        return UnmanagedInformer.watching(key.toString(), objects)
                .onChange(object -> triggerSyncers.run())
                .onListed(triggerSyncers)
                .build();
    }
}
