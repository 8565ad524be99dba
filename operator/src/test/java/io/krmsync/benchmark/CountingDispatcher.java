package io.krmsync.benchmark;

import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The CRUD dispatcher of fabric8's in-memory API server (the one {@code @EnableKubernetesMockClient(crud = true)}
 * builds), counting every request by client (its User-Agent), kind of path, method and response code. Each client of
 * the benchmark has its own User-Agent, so the operator's requests are told from the benchmark's own. It answers
 * SubjectAccessReviews as an API server that allows everything, which the CRUD mock does not (it would store the
 * review and answer it without a status).
 */
final class CountingDispatcher extends KubernetesMixedDispatcher {

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
        /** SubjectAccessReviews of a syncer acting as a ServiceAccount. */
        REVIEW,
        CRD,
        OTHER
    }

    private static final Pattern COPY = Pattern.compile("^/api/v1/(namespaces/[^/]+/)?(configmaps|secrets)(/[^/]+)?$");
    private static final Pattern STATUS = Pattern.compile("^/apis/config\\.example\\.com/[^/]+/(namespaces/[^/]+/)?configmapsyncers/[^/]+/status$");
    private static final Pattern SYNCER = Pattern.compile("^/apis/config\\.example\\.com/[^/]+/(namespaces/[^/]+/)?configmapsyncers(/[^/]+)?$");
    private static final Pattern EVENT = Pattern.compile("^/(api/v1|apis/events\\.k8s\\.io/[^/]+)/(namespaces/[^/]+/)?events(/[^/]+)?$");
    private static final Pattern NAMESPACE = Pattern.compile("^/api/v1/namespaces(/[^/]+)?$");
    private static final Pattern CRD = Pattern.compile("^/apis/apiextensions\\.k8s\\.io/.*");
    private static final String REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final RequestCounts.Tally counts = new RequestCounts.Tally();
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
        RequestCounts.Request parsed = RequestCounts.Request.of(request);
        Category category = categorize(parsed.path());
        boolean copyWrite = category == Category.COPY && parsed.write();
        if (copyWrite) {
            int inFlight = copyWritesInFlight.computeIfAbsent(agent, a -> new AtomicInteger()).incrementAndGet();
            maxCopyWritesInFlight.computeIfAbsent(agent, a -> new AtomicInteger()).accumulateAndGet(inFlight, Math::max);
        }
        long start = System.nanoTime();
        MockResponse response = null;
        try {
            response = category == Category.REVIEW ? allowed(request) : super.dispatch(request);
            return response;
        } finally {
            long end = System.nanoTime();
            counts.add(new RequestCounts.Key(agent, category, parsed.method(), response == null ? 0 : response.code()));
            if (parsed.write()) {
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

    private static MockResponse allowed(RecordedRequest request) {
        SubjectAccessReview review = SERIALIZATION.unmarshal(request.getBody().readUtf8(), SubjectAccessReview.class);
        review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(true).withReason("benchmark").build());
        return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json")
                .setBody(SERIALIZATION.asJson(review));
    }

    static Category categorize(String path) {
        if (REVIEWS.equals(path)) {
            return Category.REVIEW;
        }
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

    RequestCounts snapshot() {
        return counts.snapshot();
    }

    long lastWriteNanos(String agent) {
        AtomicLong last = lastWriteNanos.get(agent);
        return last == null ? 0 : last.get();
    }

    /** How this agent's copy writes in the current window went: first received, last answered, server time, most at once. */
    Phase.CopyWrites copyWrites(String agent) {
        AtomicLong first = firstCopyWriteNanos.get(agent);
        AtomicLong last = lastCopyWriteNanos.get(agent);
        LongAdder nanos = copyWriteNanos.get(agent);
        AtomicInteger max = maxCopyWritesInFlight.get(agent);
        return new Phase.CopyWrites(agent, first == null ? -1 : first.get(), last == null ? -1 : last.get(),
                nanos == null ? 0 : nanos.sum(), max == null ? 0 : max.get());
    }
}
