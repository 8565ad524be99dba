package io.krmsync.benchmark;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.client.WatcherException;

/**
 * What a benchmark's own watch has seen of the copies: the last value of each (its data, or its "seq") and when it
 * came, and when the last one went. A watch costs the API server one event per write; polling each copy with a GET
 * would cost a full request per copy, as much as the write being measured (the in-memory server scans its whole store
 * for every request), and its lag would vary from run to run.
 *
 * @param <V> what the benchmark compares of a copy
 */
final class SeenCopies<V> {

    record Seen<V>(V value, long nanos) {
    }

    private final String watch;
    private final Map<String, Seen<V>> copies = new ConcurrentHashMap<>();
    private final AtomicLong lastDeletion = new AtomicLong();
    private volatile WatcherException closed;

    /** @param watch the watch, as a failure names it ("the benchmark's watch on provider-01") */
    SeenCopies(String watch) {
        this.watch = watch;
    }

    void seen(String key, V value, long nanos) {
        copies.put(key, new Seen<>(value, nanos));
    }

    void deleted(String key, long nanos) {
        copies.remove(key);
        lastDeletion.accumulateAndGet(nanos, Math::max);
    }

    void closed(WatcherException cause) {
        closed = cause;
    }

    /** Fails once the watch has closed: what happened after it is unknown. */
    void check() {
        if (closed != null) {
            throw new AssertionError(watch + " closed", closed);
        }
    }

    Seen<V> get(String key) {
        return copies.get(key);
    }

    /** When the last of {@code keys} was seen with {@code expected}, or -1 while some have not been. */
    long allSeenAt(Collection<String> keys, V expected) {
        long last = 0;
        for (String key : keys) {
            Seen<V> seen = copies.get(key);
            if (seen == null || !expected.equals(seen.value())) {
                return -1;
            }
            last = Math.max(last, seen.nanos());
        }
        return last;
    }

    /** When the last of {@code keys} was seen deleted, or -1 while some are there. */
    long noneSeenAt(Collection<String> keys) {
        return keys.stream().anyMatch(copies::containsKey) ? -1 : lastDeletion.get();
    }

    long count(Collection<String> keys) {
        return keys.stream().filter(copies::containsKey).count();
    }
}
