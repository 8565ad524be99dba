package io.krmsync.propagation;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;

/**
 * Tells when a selected ConfigMap leaves the local cluster's selection: deleted, or unlabelled (a real API server
 * reports an object that stops matching a watch's label selector as deleted). The operator SDK calls a reconciler on
 * deletion only with a finalizer or in its all-events mode; krm-sync puts no finalizer on users' ConfigMaps, and
 * quarkus-operator-sdk 7.7 does not pass the all-events setting on to the SDK, so deletions are watched here.
 */
final class SourceDeletions extends AbstractEventSource<ConfigMap, ConfigMap> {

    private final List<SharedIndexInformer<ConfigMap>> informers;

    /** @param deleted called on an informer thread: must not block */
    SourceDeletions(KubernetesClient localClient, Set<String> namespaces, String selector,
            Consumer<ConfigMap> deleted) {
        super(ConfigMap.class, "source-deletions");
        boolean allNamespaces = namespaces.isEmpty() || namespaces.contains(Constants.WATCH_ALL_NAMESPACES);
        this.informers = allNamespaces
                ? List.of(localClient.configMaps().inAnyNamespace().withLabelSelector(selector).runnableInformer(0))
                : namespaces.stream().map(namespace -> localClient.configMaps().inNamespace(namespace)
                        .withLabelSelector(selector).runnableInformer(0)).toList();
        ResourceEventHandler<ConfigMap> onDelete = new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap source) {
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
            }

            @Override
            public void onDelete(ConfigMap source, boolean finalStateUnknown) {
                deleted.accept(source);
            }
        };
        informers.forEach(informer -> informer.addEventHandler(onDelete));
    }

    @Override
    public void start() {
        super.start();
        informers.forEach(SharedIndexInformer::start);
    }

    @Override
    public void stop() {
        informers.forEach(SharedIndexInformer::close);
        super.stop();
    }

    @Override
    public Set<ConfigMap> getSecondaryResources(ConfigMap primary) {
        return Set.of();
    }
}
