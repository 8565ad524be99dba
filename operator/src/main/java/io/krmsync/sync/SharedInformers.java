package io.krmsync.sync;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * {@link UnmanagedInformer}s shared by several primary resources: one per key, opened when the first primary asks for
 * it and closed when the last one lets go, so that what is watched follows the primaries' specs at runtime without a
 * restart or a watch left behind. An event on a shared informer triggers every primary using it.
 *
 * @param <K> what identifies an informer (a kind and namespace, say)
 */
public final class SharedInformers<K, T extends HasMetadata> {

    private static final Logger LOG = Logger.getLogger(SharedInformers.class);

    private record Shared<T extends HasMetadata>(UnmanagedInformer<T> informer, Set<ResourceID> users) {
    }

    private final BiFunction<K, Runnable, UnmanagedInformer<T>> open;
    private final Consumer<ResourceID> trigger;
    private final Map<K, Shared<T>> byKey = new ConcurrentHashMap<>();
    private final Map<ResourceID, Set<K>> byUser = new HashMap<>();

    /**
     * @param open builds (does not start) the informer for a key, given what tells every primary using it (a
     *        listener to hand to the informer); may throw to refuse the key
     * @param trigger triggers a reconciliation of one primary
     */
    public SharedInformers(BiFunction<K, Runnable, UnmanagedInformer<T>> open, Consumer<ResourceID> trigger) {
        this.open = open;
        this.trigger = trigger;
    }

    /**
     * The informer for this key, opened if no primary had it yet, now also used by this one. A new informer starts
     * once this primary is among its users, so that its first list triggers it.
     */
    public synchronized UnmanagedInformer<T> acquire(ResourceID user, K key) {
        Shared<T> shared = byKey.get(key);
        boolean opened = shared == null;
        if (opened) {
            shared = new Shared<>(open.apply(key, () -> triggerUsersOf(key)), ConcurrentHashMap.newKeySet());
            byKey.put(key, shared);
        }
        shared.users().add(user);
        byUser.computeIfAbsent(user, id -> new HashSet<>()).add(key);
        return opened ? shared.informer().start() : shared.informer();
    }

    /** Lets go of this primary's informers except {@code keep}; an informer no one uses any more is closed. */
    public synchronized void retain(ResourceID user, Set<K> keep) {
        Set<K> keys = byUser.getOrDefault(user, Set.of());
        for (K key : Set.copyOf(keys)) {
            if (!keep.contains(key)) {
                keys.remove(key);
                letGo(user, key);
            }
        }
        if (keys.isEmpty()) {
            byUser.remove(user);
        }
    }

    public void release(ResourceID user) {
        retain(user, Set.of());
    }

    /** The keys of the open informers. */
    public Set<K> keys() {
        return Set.copyOf(byKey.keySet());
    }

    public synchronized void closeAll() {
        byKey.values().forEach(shared -> shared.informer().close());
        byKey.clear();
        byUser.clear();
    }

    private void letGo(ResourceID user, K key) {
        Shared<T> shared = byKey.get(key);
        if (shared != null && shared.users().remove(user) && shared.users().isEmpty()) {
            byKey.remove(key);
            shared.informer().close();
            LOG.infof("Stopped watching %s", shared.informer());
        }
    }

    private void triggerUsersOf(K key) {
        Shared<T> shared = byKey.get(key);
        if (shared != null) {
            shared.users().forEach(trigger);
        }
    }
}
