package io.krmsync.krmsyncer;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.status.Reason;
import io.krmsync.sync.CopyNamespaces;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UnmanagedInformer;

/**
 * One KRMSyncer's destination cluster for one kubeconfig: its client, what its discovery said about the rules' kinds,
 * and per kind an informer on the copies this KRMSyncer made there (selected by their marker labels), so that drift
 * and deleted copies are seen as they happen and a resync with nothing changed writes nothing. A new kubeconfig
 * (a rotated Secret) means a new DestinationCluster; the old one is closed.
 */
final class DestinationCluster implements AutoCloseable {

    /** The copies of one kind at the destination. */
    record Copies(RuleKind kind, UnmanagedInformer<GenericKubernetesResource> informer,
            CopyTarget<GenericKubernetesResource> target) {

        boolean synced() {
            return informer.hasSynced();
        }
    }

    private final ClusterKubeconfig kubeconfig;
    private final KubernetesClient client;
    private final CopyOwner owner;
    private final Runnable onCopyEvent;
    private final CopyNamespaces namespaces;
    private final KindDiscovery kinds;
    private final Map<RuleKind, Copies> copies = new ConcurrentHashMap<>();
    /** Per copy, the source and copy resourceVersions last found in sync: what lets a resync skip unchanged objects. */
    private final Map<String, String> verified = new ConcurrentHashMap<>();
    /** The Secret (uid, resourceVersion, key) the kubeconfig was last read from. */
    private volatile String secretVersion = "";

    DestinationCluster(ClusterKubeconfig kubeconfig, KubernetesClient client, CopyOwner owner, Runnable onCopyEvent) {
        this.kubeconfig = kubeconfig;
        this.client = client;
        this.owner = owner;
        this.onCopyEvent = onCopyEvent;
        this.namespaces = new CopyNamespaces(client, KRMSyncerReconciler.NAME);
        this.kinds = new KindDiscovery(client, " at the destination", Reason.KindNotServedAtDestination,
                Clock.systemUTC());
    }

    String secretVersion() {
        return secretVersion;
    }

    void secretVersion(String secretVersion) {
        this.secretVersion = secretVersion;
    }

    String fingerprint() {
        return kubeconfig.fingerprint();
    }

    /** The API server's URL: shown in status, never the credentials. */
    String server() {
        return kubeconfig.config().getMasterUrl();
    }

    KubernetesClient client() {
        return client;
    }

    CopyNamespaces namespaces() {
        return namespaces;
    }

    /** The rule's kind as the destination serves it. */
    RuleKind kind(GroupVersionKind gvk) throws RuleFailure {
        return kinds.resolve(gvk);
    }

    /** The copies of this kind, watched from the first call on. */
    Copies copies(RuleKind kind) {
        return copies.computeIfAbsent(kind, this::watch);
    }

    /** Stops watching the copies of every other kind. */
    void retainCopies(Set<RuleKind> keep) {
        copies.entrySet().removeIf(entry -> {
            if (keep.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().informer().close();
            return true;
        });
    }

    /**
     * Asks the destination for its core API when a copy watch is down, so that an outage with nothing to write still
     * surfaces.
     *
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the destination does not answer
     */
    void checkReachable() {
        if (copies.values().stream().anyMatch(each -> each.synced() && !each.informer().isWatching())) {
            client.getApiResources("v1");
        }
    }

    boolean isVerified(String copyKey, String versions) {
        return versions.equals(verified.get(copyKey));
    }

    void verified(String copyKey, String versions) {
        verified.put(copyKey, versions);
    }

    void forget(String copyKey) {
        verified.remove(copyKey);
    }

    @Override
    public void close() {
        copies.values().forEach(each -> each.informer().close());
        copies.clear();
        client.close();
    }

    private Copies watch(RuleKind kind) {
        var resources = client.genericKubernetesResources(kind.context());
        // Every event on a copy, and every failure of the watch, makes the KRMSyncer look: a watch that cannot be
        // re-established is how an outage in a steady state (nothing to write) shows, see #checkReachable.
        UnmanagedInformer<GenericKubernetesResource> informer = UnmanagedInformer
                .watching("KRMSyncer " + owner.identity() + "'s " + kind + " copies at " + server(),
                        resources.inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner)))
                .onChange(copy -> onCopyEvent.run())
                .onFailure(onCopyEvent)
                .onListed(onCopyEvent)
                .build().start();
        return new Copies(kind, informer, new CopyTarget<>(kubeconfig.name(), GenericKubernetesResource.class,
                resources, informer.cache()));
    }
}
