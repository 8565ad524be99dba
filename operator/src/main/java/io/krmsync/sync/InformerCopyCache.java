package io.krmsync.sync;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** A {@link CopyCache} over an operator-SDK informer, using its temporary cache for our own writes. */
public record InformerCopyCache<T extends HasMetadata>(InformerEventSource<T, ?> informer) implements CopyCache<T> {

    @Override
    public Optional<T> get(String namespace, String name) {
        return informer.get(new ResourceID(name, namespace));
    }

    @Override
    public void written(T previous, T written) {
        ResourceID id = ResourceID.fromResource(written);
        if (previous == null) {
            informer.handleRecentResourceCreate(id, written);
        } else {
            informer.handleRecentResourceUpdate(id, written, previous);
        }
    }
}
