package io.krmsync.propagation;

import java.util.Set;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * Tells when a selected ConfigMap leaves the local cluster's selection, deleted or unlabelled (a real API server
 * reports an object that stops matching a watch's label selector as deleted), so that its copies go
 * ({@link GoneSources}). An SDK informer on the controller's own label selector and namespaces, sharing the primary
 * informer's client, health and lifecycle. It triggers no reconciliation: the SDK would drop it, since it never
 * reconciles a ConfigMap it no longer holds (see {@link GoneSources} for why deletions cannot be reconciled).
 */
final class SourceDeletions extends InformerEventSource<ConfigMap, ConfigMap> {

    private final ProviderCopies providers;
    private final GoneSources gone;

    SourceDeletions(EventSourceContext<ConfigMap> context, ProviderCopies providers, GoneSources gone) {
        super(InformerEventSourceConfiguration.from(ConfigMap.class, ConfigMap.class)
                .withName("source-deletions")
                .withLabelSelector(context.getControllerConfiguration().getInformerConfig().getLabelSelector())
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(source -> Set.of())
                .build(), context);
        this.providers = providers;
        this.gone = gone;
    }

    /** On the informer's thread: the removal runs on the writers' threads. */
    @Override
    public synchronized void onDelete(ConfigMap source, boolean deletedFinalStateUnknown) {
        super.onDelete(source, deletedFinalStateUnknown);
        gone.removeCopies(ResourceID.fromResource(source), source.getMetadata().getUid(), providers.reachable());
    }
}
