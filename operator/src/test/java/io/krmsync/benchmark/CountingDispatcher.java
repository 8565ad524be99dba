package io.krmsync.benchmark;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The CRUD dispatcher of fabric8's in-memory API server (the one {@code @EnableKubernetesMockClient(crud = true)}
 * builds), counting every request by client (its User-Agent), kind of path, method and response code. Each client of
 * the benchmark has its own User-Agent, so the operator's requests are told from the benchmark's own.
 */
final class CountingDispatcher extends KubernetesMixedDispatcher {

    static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");

    /** What a request touched, told by its path. */
    enum Category {
        /** ConfigMaps and Secrets in namespaces: the copies (and, for the benchmark's own client, the source). */
        COPY,
        /** The ConfigMapSyncer's status subresource. */
        STATUS,
        /** The ConfigMapSyncer itself: the finalizer and any other metadata write. */
        SYNCER,
        EVENT,
        NAMESPACE,
        CRD,
        OTHER
    }

    record Key(String agent, Category category, String method, int code) {
    }

    private static final Pattern COPY = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?(configmaps|secrets)(/[^/]+)?$");
    private static final Pattern STATUS = Pattern.compile("^/apis/config\\.example\\.com/[^/]+/(namespaces/[^/]+/)?configmapsyncers/[^/]+/status$");
    private static final Pattern SYNCER = Pattern.compile("^/apis/config\\.example\\.com/[^/]+/(namespaces/[^/]+/)?configmapsyncers(/[^/]+)?$");
    private static final Pattern EVENT = Pattern.compile("^/(api/v1|apis/events\\.k8s\\.io/[^/]+)/(namespaces/[^/]+/)?events(/[^/]+)?$");
    private static final Pattern NAMESPACE = Pattern.compile("^/api/v1/namespaces(/[^/]+)?$");
    private static final Pattern CRD = Pattern.compile("^/apis/apiextensions\\.k8s\\.io/.*");

    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Set<Long> serverThreads = ConcurrentHashMap.newKeySet();
    /** Server-side time spent handling copy writes, by agent. */
    private final Map<String, LongAdder> copyWriteNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastWriteNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> firstCopyWriteNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastCopyWriteNanos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> copyWritesInFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxCopyWritesInFlight = new ConcurrentHashMap<>();

    CountingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
        super(responses);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        serverThreads.add(Thread.currentThread().threadId());
        String agent = request.getHeader("User-Agent") == null ? "unknown" : request.getHeader("User-Agent");
        String rawPath = request.getPath();
        int query = rawPath.indexOf('?');
        String path = query < 0 ? rawPath : rawPath.substring(0, query);
        String method = request.getMethod().toUpperCase();
        if ("GET".equals(method) && query >= 0 && rawPath.substring(query).contains("watch=true")) {
            method = "WATCH";
        }
        Category category = categorize(path);
        boolean copyWrite = category == Category.COPY && WRITE_METHODS.contains(method);
        if (copyWrite) {
            int inFlight = copyWritesInFlight.computeIfAbsent(agent, a -> new AtomicInteger()).incrementAndGet();
            maxCopyWritesInFlight.computeIfAbsent(agent, a -> new AtomicInteger()).accumulateAndGet(inFlight, Math::max);
        }
        long start = System.nanoTime();
        MockResponse response = null;
        try {
            response = super.dispatch(request);
            return response;
        } finally {
            long end = System.nanoTime();
            int code = response == null ? 0 : response.code();
            counts.computeIfAbsent(new Key(agent, category, method, code), k -> new LongAdder()).increment();
            if (WRITE_METHODS.contains(method)) {
                lastWriteNanos.computeIfAbsent(agent, a -> new AtomicLong()).accumulateAndGet(end, Math::max);
            }
            if (copyWrite) {
                copyWritesInFlight.get(agent).decrementAndGet();
                copyWriteNanos.computeIfAbsent(agent, a -> new LongAdder()).add(end - start);
                firstCopyWriteNanos.computeIfAbsent(agent, a -> new AtomicLong(Long.MAX_VALUE))
                        .accumulateAndGet(start, Math::min);
                lastCopyWriteNanos.computeIfAbsent(agent, a -> new AtomicLong()).accumulateAndGet(end, Math::max);
            }
        }
    }

    /**
     * How many watches the mock server is sending events to (its private listener set, read by reflection; -1 if that
     * fails). Every write costs the mock a JSON round trip per matching watch, so stale watches would skew the figures.
     */
    int watchListeners() {
        try {
            var crudField = io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher.class
                    .getDeclaredField("kubernetesCrudDispatcher");
            crudField.setAccessible(true);
            Object crud = crudField.get(this);
            var listenersField = crud.getClass().getDeclaredField("watchEventListeners");
            listenersField.setAccessible(true);
            return ((java.util.Collection<?>) listenersField.get(crud)).size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    /** "API server" for the threads that have handled requests, else null. */
    String serverThread(long threadId) {
        return serverThreads.contains(threadId) ? "API server (mock) event loop" : null;
    }

    static Category categorize(String path) {
        if (COPY.matcher(path).matches()) {
            return Category.COPY;
        }
        if (STATUS.matcher(path).matches()) {
            return Category.STATUS;
        }
        if (SYNCER.matcher(path).matches()) {
            return Category.SYNCER;
        }
        if (EVENT.matcher(path).matches()) {
            return Category.EVENT;
        }
        if (NAMESPACE.matcher(path).matches()) {
            return Category.NAMESPACE;
        }
        if (CRD.matcher(path).matches()) {
            return Category.CRD;
        }
        return Category.OTHER;
    }

    /** Starts a window: the first/last copy write times and the in-flight maximum start afresh for this agent. */
    void startWindow(String agent) {
        firstCopyWriteNanos.remove(agent);
        lastCopyWriteNanos.remove(agent);
        maxCopyWritesInFlight.remove(agent);
        copyWriteNanos.remove(agent);
    }

    Snapshot snapshot() {
        Map<Key, Long> copy = new HashMap<>();
        counts.forEach((key, adder) -> copy.put(key, adder.sum()));
        return new Snapshot(copy);
    }

    long lastWriteNanos(String agent) {
        AtomicLong last = lastWriteNanos.get(agent);
        return last == null ? 0 : last.get();
    }

    /** Server-side nanoTime of the first copy write of this agent in the current window, or -1. */
    long firstCopyWriteNanos(String agent) {
        AtomicLong first = firstCopyWriteNanos.get(agent);
        return first == null ? -1 : first.get();
    }

    long lastCopyWriteNanos(String agent) {
        AtomicLong last = lastCopyWriteNanos.get(agent);
        return last == null ? -1 : last.get();
    }

    int maxCopyWritesInFlight(String agent) {
        AtomicInteger max = maxCopyWritesInFlight.get(agent);
        return max == null ? 0 : max.get();
    }

    long copyWriteServerNanos(String agent) {
        LongAdder nanos = copyWriteNanos.get(agent);
        return nanos == null ? 0 : nanos.sum();
    }

    /** Request counts at one moment; subtract two to count a window. */
    record Snapshot(Map<Key, Long> counts) {

        Snapshot minus(Snapshot earlier) {
            Map<Key, Long> result = new HashMap<>(counts);
            earlier.counts.forEach((key, value) -> result.merge(key, -value, Long::sum));
            result.values().removeIf(value -> value == 0);
            return new Snapshot(result);
        }

        long count(Predicate<Key> filter) {
            return counts.entrySet().stream().filter(e -> filter.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }

        long writes(String agent) {
            return count(k -> k.agent().equals(agent) && WRITE_METHODS.contains(k.method()));
        }

        long writes(String agent, Category category) {
            return count(k -> k.agent().equals(agent) && k.category() == category && WRITE_METHODS.contains(k.method()));
        }

        long writes(String agent, Category category, String method) {
            return count(k -> k.agent().equals(agent) && k.category() == category && k.method().equals(method));
        }

        long failedWrites(String agent) {
            return count(k -> k.agent().equals(agent) && WRITE_METHODS.contains(k.method())
                    && (k.code() < 200 || k.code() >= 300));
        }

        long reads(String agent) {
            return count(k -> k.agent().equals(agent) && k.method().equals("GET"));
        }

        long watches(String agent) {
            return count(k -> k.agent().equals(agent) && k.method().equals("WATCH"));
        }

        /** "POST configmaps 201 x1000, PATCH status 200 x1" for one agent's writes, largest first. */
        String describeWrites(String agent) {
            StringBuilder text = new StringBuilder();
            counts.entrySet().stream()
                    .filter(e -> e.getKey().agent().equals(agent) && WRITE_METHODS.contains(e.getKey().method()))
                    .sorted(Map.Entry.<Key, Long> comparingByValue().reversed())
                    .forEach(e -> text.append(text.isEmpty() ? "" : ", ").append(e.getKey().method()).append(' ')
                            .append(e.getKey().category().name().toLowerCase()).append(' ').append(e.getKey().code())
                            .append(" x").append(e.getValue()));
            return text.isEmpty() ? "none" : text.toString();
        }
    }
}
