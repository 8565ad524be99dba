package io.krmsync.sync;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.Store;

/**
 * A {@link CopyCache} over a plain fabric8 informer's store (used for clusters the operator SDK does not manage). Our
 * own writes are remembered until the informer delivers them, so that the next reconcile does not act on the version
 * it just replaced; the owner of the informer calls {@link #seen} for every object it receives.
 */
public final class WatchedCopyCache<T extends HasMetadata> implements CopyCache<T> {

    /** A write the informer never confirms (its event was coalesced by a relist) stops shadowing it after this. */
    private static final Duration WRITE_SHADOW_LIMIT = Duration.ofSeconds(30);

    private record RecentWrite<T>(T object, Instant writtenAt) {
    }

    private final Store<T> store;
    private final Clock clock;
    private final Map<String, RecentWrite<T>> recentWrites = new ConcurrentHashMap<>();

    public WatchedCopyCache(Store<T> store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<T> get(String namespace, String name) {
        String key = Cache.namespaceKeyFunc(namespace, name);
        RecentWrite<T> recent = recentWrites.get(key);
        if (recent != null && clock.instant().isBefore(recent.writtenAt().plus(WRITE_SHADOW_LIMIT))) {
            return Optional.of(recent.object());
        }
        return Optional.ofNullable(store.getByKey(key));
    }

    @Override
    public void written(T previous, T written) {
        recentWrites.put(keyOf(written), new RecentWrite<>(written, clock.instant()));
    }

    /** The informer delivered this version: our write of it, if any, no longer needs remembering. */
    public void seen(T object) {
        recentWrites.computeIfPresent(keyOf(object), (key, recent) -> Objects.equals(
                recent.object().getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion()) ? null
                        : recent);
    }

    /** The object is gone: whatever we wrote before is, too. */
    public void deleted(T object) {
        recentWrites.remove(keyOf(object));
    }

    private static String keyOf(HasMetadata object) {
        return Cache.namespaceKeyFunc(object.getMetadata().getNamespace(), object.getMetadata().getName());
    }
}
