package io.krmsync.sync;

import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The reconciler's read view of the copies in one cluster (usually an informer cache). */
public interface CopyCache<T extends HasMetadata> {

    Optional<T> get(String namespace, String name);

    /** Called after a successful create or update, so that the next read does not see the stale object. */
    void written(T previous, T written);
}
