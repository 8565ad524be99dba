package io.krmsync.propagation;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.status.ApiErrors;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.TrackingMetadata;

/**
 * Deletes the copies whose source is gone: a labelled ConfigMap deleted or unlabelled ({@link SourceDeletions}, or a
 * reconcile that was writing meanwhile) or out of the propagation scope (a reconcile), and, in each provider's sweep,
 * whatever happened while the operator or the provider was down. Only copies carrying this operator's marker are ever
 * deleted, each with the resourceVersion read.
 * <p>
 * This runs outside the operator SDK's reconciliation loop for one reason: JOSDK 5.3.2 runs a reconciliation only for
 * a ConfigMap its cache holds, and a deleted one is no longer there. The SDK hands deletions to a reconciler only
 * with a finalizer (never put on users' ConfigMaps) or in its {@code triggerReconcilerOnAllEvents} mode, which
 * quarkus-operator-sdk 7.7.3 does not pass on (its runtime controller configuration has no such field, and its
 * {@code ConfigurableReconciler} overrides are copied into a new one without it). So, unlike reconciliations, this
 * work is not serialised with the other work on the same ConfigMap by the SDK: a source found again in the cache
 * with another UID (created again meanwhile) keeps its copies, a reconcile that finds its source gone after writing
 * removes what it wrote, and a copy deleted by mistake is put back by the drift watch. Nor is it held back on a
 * standby by the SDK: it asks {@code leading} first.
 */
final class GoneSources {

    private static final Logger LOG = Logger.getLogger(GoneSources.class);

    private final CopyEngine engine;
    private final CopyOwner owner;
    private final Cache<ConfigMap> sources;
    private final KubernetesClient localClient;
    private final String selector;
    private final Predicate<String> inScope;
    private final BooleanSupplier leading;
    private final Executor writers;
    private final ProviderOutcomes outcomes;
    private final SourceObservations observations;

    /**
     * @param sources the SDK's cache of the selected ConfigMaps
     * @param selector the label selector that selects them, to ask the local API server
     * @param inScope whether a namespace is in the propagation scope (a namespace's labels may have just changed)
     * @param leading whether this replica may write
     * @param outcomes and {@code observations}: what the reconciler remembers of a source, forgotten when it goes
     */
    GoneSources(CopyEngine engine, CopyOwner owner, Cache<ConfigMap> sources, KubernetesClient localClient,
            String selector, Predicate<String> inScope, BooleanSupplier leading, Executor writers,
            ProviderOutcomes outcomes, SourceObservations observations) {
        this.engine = engine;
        this.owner = owner;
        this.sources = sources;
        this.localClient = localClient;
        this.selector = selector;
        this.inScope = inScope;
        this.leading = leading;
        this.writers = writers;
        this.outcomes = outcomes;
        this.observations = observations;
    }

    /**
     * The source left the selection: its copies go, in every provider given, in parallel, on the writers' threads. The
     * SDK's cache may not have seen the deletion yet; only a source there with another UID keeps the copies.
     *
     * @return done when every provider has been handled
     */
    CompletableFuture<Void> removeCopies(ResourceID id, String goneUid, List<Provider> providers) {
        return CompletableFuture.runAsync(() -> {
            if (!leading.getAsBoolean() || createdAgain(id, goneUid)) {
                return;
            }
            outcomes.forget(id);
            observations.forget(id.toString());
            removeCopies(id, providers).join();
        }, writers);
    }

    /**
     * The source is still there but must not be propagated (out of scope): its copies go, in every provider given, in
     * parallel, on the writers' threads; what the reconciler remembers of it is the caller's to keep or forget.
     *
     * @return done when every provider has been handled (at once on a standby)
     */
    CompletableFuture<Void> removeCopies(ResourceID id, List<Provider> providers) {
        if (!leading.getAsBoolean()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(providers.stream()
                .map(provider -> CompletableFuture.runAsync(() -> removeCopy(provider, id), writers))
                .toArray(CompletableFuture[]::new));
    }

    /**
     * Deletes the provider's copies whose source no longer exists, is no longer selected or is out of the propagation
     * scope, asking the local API server (not the cache, which may still be filling after a restart) before each
     * delete. Stops at the first request the provider does not answer: a provider that hangs costs one request
     * timeout, not one per copy; the next sweep goes on.
     */
    void sweep(Provider provider) {
        if (!leading.getAsBoolean()) {
            return;
        }
        for (ConfigMap copy : provider.informer().list()) {
            if (sourceGone(provider, copy) && !delete(provider, copy)) {
                return;
            }
        }
    }

    private boolean createdAgain(ResourceID id, String goneUid) {
        return sources.get(id).filter(current -> !Objects.equals(current.getMetadata().getUid(), goneUid))
                .isPresent();
    }

    private void removeCopy(Provider provider, ResourceID id) {
        provider.target().cache().get(id.getNamespace().orElseThrow(), id.getName())
                .ifPresent(copy -> delete(provider, copy));
    }

    private boolean sourceGone(Provider provider, ConfigMap copy) {
        String namespace = copy.getMetadata().getNamespace();
        String name = copy.getMetadata().getName();
        if (TrackingMetadata.ownership(copy, owner) != TrackingMetadata.Ownership.OWNED) {
            return false;
        }
        try {
            if (!inScope.test(namespace)) {
                return true;
            }
            return sources.get(new ResourceID(name, namespace)).isEmpty() && localClient.configMaps()
                    .inNamespace(namespace).list(new ListOptionsBuilder().withLabelSelector(selector)
                            .withFieldSelector("metadata.name=" + name).build())
                    .getItems().isEmpty();
        } catch (KubernetesClientException e) {
            LOG.warnf("Propagation: checking the source of ConfigMap %s/%s in cluster %s failed: %s", namespace, name,
                    provider.cluster().name(), ApiErrors.reason(e));
            return false;
        }
    }

    /** @return false when the provider did not answer */
    private boolean delete(Provider provider, ConfigMap copy) {
        String namespace = copy.getMetadata().getNamespace();
        String name = copy.getMetadata().getName();
        try {
            // Counted in krm_sync_copy_writes_total{operation="delete"}; one line per copy would flood the log on bulk deletes.
            if (provider.cluster().bounded(() -> engine.deleteCopy(provider.target(), copy, owner))) {
                LOG.debugf("Propagation: deleted ConfigMap %s/%s in cluster %s: its source is gone, no longer labelled"
                        + " or out of scope", namespace, name, provider.cluster().name());
            }
            return true;
        } catch (KubernetesClientException e) {
            LOG.warnf("Propagation: deleting ConfigMap %s/%s in cluster %s failed: %s; the next sweep retries",
                    namespace, name, provider.cluster().name(), ApiErrors.reason(e));
            return !ApiErrors.isUnanswered(e);
        }
    }
}
