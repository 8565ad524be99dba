package io.krmsync.sync;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;

/**
 * Where copies of one kind are written: a named cluster, that cluster's client operations for the kind (typed, or
 * generic for dynamic GVKs), and the cache the reconciler reads them from.
 */
public record CopyTarget<T extends HasMetadata>(
        String cluster,
        Class<T> type,
        MixedOperation<T, ? extends KubernetesResourceList<T>, ? extends Resource<T>> resources,
        CopyCache<T> cache) {
}
