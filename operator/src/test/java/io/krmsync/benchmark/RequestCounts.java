package io.krmsync.benchmark;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Requests an API server answered, by client, kind of path, method and response code, at one moment; subtract two to
 * count a window. Both counting servers of the benchmarks ({@link CountingDispatcher}, {@link PropagationClusters})
 * keep a {@link Tally} of these.
 */
record RequestCounts(Map<Key, Long> counts) {

    static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    static final RequestCounts EMPTY = new RequestCounts(Map.of());

    /**
     * @param agent who sent it (told by its User-Agent, in the counting server's terms)
     * @param category what its path names, in the counting server's terms (an enum of each server's own)
     * @param method the HTTP method, or WATCH for a GET with {@code watch=true}
     */
    record Key(String agent, Enum<?> category, String method, int code) {
    }

    /** A request as the counters see it: its method (WATCH for a watch) and its path without the query. */
    record Request(String method, String path) {

        static Request of(RecordedRequest request) {
            String rawPath = request.getPath();
            int query = rawPath.indexOf('?');
            String path = query < 0 ? rawPath : rawPath.substring(0, query);
            String method = request.getMethod().toUpperCase(Locale.ROOT);
            if ("GET".equals(method) && query >= 0 && rawPath.substring(query).contains("watch=true")) {
                method = "WATCH";
            }
            return new Request(method, path);
        }

        boolean write() {
            return WRITES.contains(method);
        }
    }

    /** The running count behind the snapshots, one counter per key. */
    static final class Tally {

        private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

        void add(Key key) {
            counts.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        RequestCounts snapshot() {
            Map<Key, Long> copy = new HashMap<>();
            counts.forEach((key, adder) -> copy.put(key, adder.sum()));
            return new RequestCounts(copy);
        }
    }

    RequestCounts minus(RequestCounts earlier) {
        Map<Key, Long> result = new HashMap<>(counts);
        earlier.counts.forEach((key, value) -> result.merge(key, -value, Long::sum));
        result.values().removeIf(value -> value == 0);
        return new RequestCounts(result);
    }

    RequestCounts plus(RequestCounts other) {
        Map<Key, Long> result = new HashMap<>(counts);
        other.counts.forEach((key, value) -> result.merge(key, value, Long::sum));
        return new RequestCounts(result);
    }

    long count(Predicate<Key> filter) {
        return counts.entrySet().stream().filter(e -> filter.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    long writes(String agent) {
        return count(k -> k.agent().equals(agent) && WRITES.contains(k.method()));
    }

    long writes(String agent, Enum<?> category) {
        return count(k -> k.agent().equals(agent) && k.category() == category && WRITES.contains(k.method()));
    }

    long failedWrites(String agent) {
        return count(k -> k.agent().equals(agent) && WRITES.contains(k.method()) && (k.code() < 200 || k.code() >= 300));
    }

    long reads(String agent) {
        return count(k -> k.agent().equals(agent) && k.method().equals("GET"));
    }

    long watches(String agent) {
        return count(k -> k.agent().equals(agent) && k.method().equals("WATCH"));
    }

    /** "PUT configmap 200 x1000, GET namespace 200 x3" for one agent, largest first; writes only if asked. */
    String describe(String agent, boolean writesOnly) {
        StringBuilder text = new StringBuilder();
        counts.entrySet().stream()
                .filter(e -> e.getKey().agent().equals(agent) && (!writesOnly || WRITES.contains(e.getKey().method())))
                .sorted(Map.Entry.<Key, Long> comparingByValue().reversed())
                .forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(e.getKey().method()).append(' ')
                        .append(e.getKey().category().name().toLowerCase(Locale.ROOT)).append(' ')
                        .append(e.getKey().code()).append(" x").append(e.getValue()));
        return text.isEmpty() ? "none" : text.toString();
    }
}
