package io.krmsync.sync;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * A fabric8 informer that krm-sync starts and closes itself, outside the operator SDK, built one way for every watch
 * that comes and goes at runtime: per KRMSyncer rule, per destination, per provider cluster. The SDK's informers (an
 * {@code InformerEventSource}, also one with a remote client) report into its health check, and starting one waits
 * for its first list and by default fails when that list fails (at start-up, the whole operator stops): one
 * unreachable remote cluster, or a kind the operator may not list, would make the whole operator unready or stop it.
 * Failures here stay with the rule, KRMSyncer or cluster that owns the watch.
 * <p>
 * The informer lists, then watches, and keeps retrying with fabric8's reconnect backoff after any failure, the first
 * list included (a cluster may come back; closing is the only way to stop it; fabric8 logs each failure). Every
 * added, updated or deleted object goes to the owner's listener, and reads go through a {@link WatchedCopyCache}, so
 * that an object krm-sync has just written reads as written. Listeners run on the informer's threads: they must not
 * block.
 */
public final class UnmanagedInformer<T extends HasMetadata> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(UnmanagedInformer.class);

    private final String what;
    private final SharedIndexInformer<T> informer;
    private final WatchedCopyCache<T> cache;
    private final Runnable onListed;

    private UnmanagedInformer(Builder<T> builder) {
        this.what = builder.what;
        this.informer = builder.objects.runnableInformer(0);
        this.cache = new WatchedCopyCache<>(informer.getStore());
        this.onListed = builder.onListed;
        Runnable onFailure = builder.onFailure;
        informer.exceptionHandler((started, failure) -> {
            onFailure.run();
            return true;
        });
        informer.addEventHandler(cache.eventHandler(builder.onChange));
    }

    /**
     * @param what the watched objects, for log lines: "ConfigMap.v1 in namespace team-a", "copies in cluster prod"
     * @param objects the objects, as the client's DSL selects them (namespace, labels)
     */
    public static <T extends HasMetadata> Builder<T> watching(String what, Informable<T> objects) {
        return new Builder<>(what, objects);
    }

    /** Starts listing and watching; returns at once. */
    public UnmanagedInformer<T> start() {
        informer.start().whenComplete((ignored, failure) -> {
            if (failure == null) {
                LOG.infof("Watching %s", what);
                onListed.run();
            } else {
                LOG.debugf("Watching %s ended before its first list: %s", what, failure.getMessage());
            }
        });
        return this;
    }

    /** Whether the first list has completed: until then the cache does not hold everything. */
    public boolean hasSynced() {
        return informer.hasSynced();
    }

    /** Whether the watch is open now: false while it reconnects after a failure. */
    public boolean isWatching() {
        return informer.isWatching();
    }

    public List<T> list() {
        return informer.getStore().list();
    }

    /** The objects by namespace and name, with krm-sync's own latest writes (see {@link WatchedCopyCache}). */
    public CopyCache<T> cache() {
        return cache;
    }

    @Override
    public void close() {
        informer.close();
    }

    @Override
    public String toString() {
        return what;
    }

    /** What to watch and whom to tell. */
    public static final class Builder<T extends HasMetadata> {

        private final String what;
        private final Informable<T> objects;
        private Consumer<T> onChange = object -> {
        };
        private Runnable onFailure = () -> {
        };
        private Runnable onListed = () -> {
        };

        private Builder(String what, Informable<T> objects) {
            this.what = Objects.requireNonNull(what);
            this.objects = Objects.requireNonNull(objects);
        }

        /** Told of every object added, updated or deleted. */
        public Builder<T> onChange(Consumer<T> listener) {
            this.onChange = listener;
            return this;
        }

        /** Told of every failed list or watch, before the informer retries. */
        public Builder<T> onFailure(Runnable listener) {
            this.onFailure = listener;
            return this;
        }

        /** Told once, when the first list has completed and the cache holds everything. */
        public Builder<T> onListed(Runnable listener) {
            this.onListed = listener;
            return this;
        }

        /** The informer, not started yet: start it once whoever its listeners tell can find it. */
        public UnmanagedInformer<T> build() {
            return new UnmanagedInformer<>(this);
        }
    }
}
