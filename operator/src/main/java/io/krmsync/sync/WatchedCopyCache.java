package io.krmsync.sync;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;

/**
 * A {@link CopyCache} over a plain fabric8 informer's store (for clusters the operator SDK does not manage). After
 * one of our writes, and while the store still holds exactly the version that write replaced, reads return what we
 * wrote, so that the next reconcile does not act on a stale copy. As soon as the store holds anything else (our write,
 * or someone's later edit), the store wins. The informer's owner calls {@link #seen} and {@link #deleted} for every
 * event, or registers {@link #eventHandler}.
 */
public final class WatchedCopyCache<T extends HasMetadata> implements CopyCache<T> {

    /** @param replacedVersion resourceVersion the write replaced; null for a create */
    private record RecentWrite<T>(String replacedVersion, T written) {
    }

    private final Store<T> store;
    private final Map<String, RecentWrite<T>> recentWrites = new ConcurrentHashMap<>();

    public WatchedCopyCache(Store<T> store) {
        this.store = store;
    }

    @Override
    public Optional<T> get(String namespace, String name) {
        String key = Cache.namespaceKeyFunc(namespace, name);
        T stored = store.getByKey(key);
        RecentWrite<T> recent = recentWrites.get(key);
        if (recent != null) {
            if (Objects.equals(versionOf(stored), recent.replacedVersion())) {
                return Optional.of(recent.written());
            }
            recentWrites.remove(key, recent);
        }
        return Optional.ofNullable(stored);
    }

    @Override
    public void written(T previous, T written) {
        recentWrites.put(keyOf(written), new RecentWrite<>(versionOf(previous), written));
    }

    /** The informer delivered a version: unless it is the one our write replaced, the store is now current. */
    public void seen(T object) {
        recentWrites.computeIfPresent(keyOf(object),
                (key, recent) -> Objects.equals(versionOf(object), recent.replacedVersion()) ? recent : null);
    }

    public void deleted(T object) {
        recentWrites.remove(keyOf(object));
    }

    /**
     * The handler to register on the informer: keeps this cache's record of our writes current, then hands every
     * added, updated or deleted copy to {@code onEvent} (which must not block: it runs on the informer's thread).
     */
    public ResourceEventHandler<T> eventHandler(Consumer<T> onEvent) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T copy) {
                seen(copy);
                onEvent.accept(copy);
            }

            @Override
            public void onUpdate(T before, T after) {
                seen(after);
                onEvent.accept(after);
            }

            @Override
            public void onDelete(T copy, boolean finalStateUnknown) {
                deleted(copy);
                onEvent.accept(copy);
            }
        };
    }

    private static String versionOf(HasMetadata object) {
        return object == null ? null : object.getMetadata().getResourceVersion();
    }

    private static String keyOf(HasMetadata object) {
        return Cache.namespaceKeyFunc(object.getMetadata().getNamespace(), object.getMetadata().getName());
    }
}
