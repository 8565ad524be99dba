package io.krmsync.propagation;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.krmsync.clusters.RemoteCluster;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.propagation.ProviderOutcomes.Outcome;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.Reason;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyResult;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SyncMetrics;

/**
 * Writes one source's copy to every provider in parallel, each within its cluster's request bound, and tells how each
 * went: one slow or failing provider holds up none of the others. A provider lacking the copy's namespace is given one,
 * unless {@code krm-sync.propagation.create-namespaces} is false: then it is a NamespaceNotFound failure, retried like
 * any other, until someone creates the namespace there.
 */
final class ProviderWrites {

    private static final Logger LOG = Logger.getLogger(ProviderWrites.class);

    private final CopyEngine engine;
    private final CopyOwner owner;
    private final ConflictPolicy policy;
    private final boolean createNamespaces;
    private final SyncMetrics metrics;
    private final SourceObservations observations;
    private final BiConsumer<RemoteCluster, KubernetesClientException> unanswered;
    private final Executor writers;

    /**
     * @param observations when each source version was first seen, for the copy latency metric
     * @param unanswered told of a request a provider did not answer at all (the registry marks it unreachable)
     */
    ProviderWrites(CopyEngine engine, CopyOwner owner, ConflictPolicy policy, boolean createNamespaces,
            SyncMetrics metrics, SourceObservations observations,
            BiConsumer<RemoteCluster, KubernetesClientException> unanswered, Executor writers) {
        this.engine = engine;
        this.owner = owner;
        this.policy = policy;
        this.createNamespaces = createNamespaces;
        this.metrics = metrics;
        this.observations = observations;
        this.unanswered = unanswered;
        this.writers = writers;
    }

    /** @return one outcome per provider, in their order */
    List<Outcome> write(ConfigMap source, GenericKubernetesResource desired, List<Provider> targets) {
        Instant firstSeen = observations.firstSeen(ResourceID.fromResource(source).toString(),
                source.getMetadata().getResourceVersion());
        List<CompletableFuture<Outcome>> writes = targets.stream()
                .map(provider -> CompletableFuture.supplyAsync(() -> propagate(provider, desired, firstSeen), writers))
                .toList();
        return writes.stream().map(CompletableFuture::join).toList();
    }

    private Outcome propagate(Provider provider, GenericKubernetesResource desired, Instant firstSeen) {
        String cluster = provider.cluster().name();
        String namespace = desired.getMetadata().getNamespace();
        try {
            if (!provider.cluster().bounded(() -> namespaceReady(provider, desired))) {
                return Outcome.failed(cluster, Reason.NamespaceNotFound, "namespace " + namespace + " does not exist"
                        + " there, and krm-sync.propagation.create-namespaces is false: create it there, and the copy"
                        + " follows");
            }
            CopyResult result = provider.cluster()
                    .bounded(() -> engine.sync(provider.target(), desired, owner, policy));
            if (result.carriedSourceChange()) {
                metrics.copyLatency(PropagationReconciler.NAME, cluster, observations.since(firstSeen));
            }
            return result.outcome() == CopyResult.Outcome.CONFLICT
                    ? Outcome.conflict(cluster, result.message())
                    : Outcome.synced(cluster);
        } catch (KubernetesClientException e) {
            if (ApiErrors.isUnanswered(e)) {
                unanswered.accept(provider.cluster(), e);
            }
            LOG.warnf("Propagation of ConfigMap %s/%s to cluster %s failed: %s: %s", namespace,
                    desired.getMetadata().getName(), cluster, ApiErrors.reason(e), ApiErrors.message(e));
            return Outcome.failed(cluster, ApiErrors.reason(e), ApiErrors.message(e));
        }
    }

    /** Whether the provider has the copy's namespace, asked only when it lacks the copy; created there if allowed. */
    private boolean namespaceReady(Provider provider, GenericKubernetesResource desired) {
        String namespace = desired.getMetadata().getNamespace();
        if (provider.target().cache().get(namespace, desired.getMetadata().getName()).isPresent()) {
            return true;
        }
        if (!createNamespaces) {
            return provider.namespaces().exists(namespace);
        }
        if (provider.namespaces().ensure(namespace)) {
            LOG.infof("Propagation: created namespace %s in cluster %s", namespace, provider.cluster().name());
        }
        return true;
    }
}
