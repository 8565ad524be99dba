package io.krmsync.krmsyncer;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.krmsync.clusters.ClusterKubeconfig;
import io.krmsync.clusters.RemoteClients;
import io.krmsync.sync.CopyOwner;

/**
 * Each KRMSyncer's destination cluster, built from its kubeconfig Secret and rebuilt when the Secret's content
 * changes. Events on the copies there trigger their KRMSyncer. Like {@link SourceWatches}, unmanaged: an unreachable
 * destination is one KRMSyncer's condition, not the operator's readiness, and destinations come and go with Secrets.
 */
final class Destinations extends SimpleInboundEventSource<KRMSyncer> {

    private final RemoteClients clients;
    private final Map<ResourceID, DestinationCluster> bySyncer = new ConcurrentHashMap<>();

    Destinations(RemoteClients clients) {
        super("krmsyncer-destinations");
        this.clients = clients;
    }

    @Override
    public synchronized void stop() {
        bySyncer.values().forEach(DestinationCluster::close);
        bySyncer.clear();
        super.stop();
    }

    /**
     * The KRMSyncer's destination for this kubeconfig: the current one if the kubeconfig is unchanged (now known as
     * coming from {@code secretVersion}), else a new one.
     */
    synchronized DestinationCluster connect(ResourceID syncer, ClusterKubeconfig kubeconfig, String secretVersion,
            CopyOwner owner) {
        DestinationCluster current = bySyncer.get(syncer);
        if (current != null && current.fingerprint().equals(kubeconfig.fingerprint())) {
            current.secretVersion(secretVersion);
            return current;
        }
        if (current != null) {
            current.close();
        }
        DestinationCluster next = new DestinationCluster(kubeconfig, clients.newClient(kubeconfig.config()), owner,
                () -> propagateEvent(syncer));
        next.secretVersion(secretVersion);
        bySyncer.put(syncer, next);
        return next;
    }

    synchronized Optional<DestinationCluster> current(ResourceID syncer) {
        return Optional.ofNullable(bySyncer.get(syncer));
    }

    /** Closes the KRMSyncer's destination client and watches. */
    synchronized void release(ResourceID syncer) {
        DestinationCluster current = bySyncer.remove(syncer);
        if (current != null) {
            current.close();
        }
    }
}
