package io.krmsync.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.DefaultMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.MockWebServerListener;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedHttpConnection;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.krmsync.sandbox.SandboxApiServer;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.PathConverter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The clusters of the propagation benchmark, modelled on {@code io.krmsync.testing.TestClusters}: one local in-memory
 * API server ({@link SandboxApiServer}) and {@code benchmark.propagation.providers} (default 10) provider servers on
 * loopback, each with {@code kube-system} and {@code default}, and a kubeconfig file per provider. {@link #start()}
 * returns the operator's settings as configuration properties (those a {@code @WithTestResource} would give a Quarkus
 * application); the benchmark feeds them to the operator it builds itself.
 * <p>
 * Every server counts the requests it answers, by client (User-Agent), method, kind of path and response code. The
 * sandbox has no hook for that: the counting dispatcher is put in front of the sandbox's own by reflection
 * ({@link #count}).
 */
public class PropagationClusters implements QuarkusTestResourceLifecycleManager {

    public static final String LOCAL = "local";
    /** The ConfigMap the latency figures update; its writes are timed at every server. */
    public static final String PROBE = "latency-probe";

    private final int providerCount;
    private final Map<String, SandboxApiServer> servers = new LinkedHashMap<>();
    private final Map<String, RequestCounter> counters = new ConcurrentHashMap<>();
    private final List<String> providers = new ArrayList<>();
    private Path directory;

    /** {@code benchmark.propagation.providers} (default 10) providers. */
    public PropagationClusters() {
        this(Integer.getInteger("benchmark.propagation.providers", 10));
    }

    /** @param providerCount servers besides the local one, named provider-01, provider-02, ... */
    public PropagationClusters(int providerCount) {
        this.providerCount = providerCount;
    }

    /**
     * The operator's settings as a Quarkus application reads them: SmallRye Config over these properties (those
     * {@link #start()} returned, possibly changed) and the mappings' {@code @WithDefault}s.
     */
    public static SmallRyeConfig config(Map<String, String> properties, String name, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(Path.class, 200, new PathConverter());
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder.withSources(new PropertiesConfigSource(properties, name, 500)).build();
    }

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("krm-sync-propagation-benchmark");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start(LOCAL, 0);
        for (int i = 1; i <= providerCount; i++) {
            String name = String.format(Locale.ROOT, "provider-%02d", i);
            providers.add(name);
            start(name, 0);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.kubernetes-client.api-server-url", servers.get(LOCAL).url());
        properties.put("krm-sync.local-cluster.name", LOCAL);
        properties.put("krm-sync.clusters.provider-kubeconfigs",
                String.join(",", providers.stream().map(p -> kubeconfig(p).toString()).toList()));
        properties.put("krm-sync.clusters.secrets.enabled", "false");
        // The registry notices a stopped provider within about a second (figure 3).
        properties.put("krm-sync.clusters.health-check-interval", "1s");
        properties.put("krm-sync.clusters.max-reconnect-interval", "2s");
        // The default client rate limit (qps 50, burst 100 per provider) would make 1,000 writes to one provider take
        // at least 18 s by itself; the benchmark measures the operator, not the limiter.
        properties.put("krm-sync.clusters.client.qps", "10000");
        properties.put("krm-sync.clusters.client.burst", "10000");
        return properties;
    }

    @Override
    public void stop() {
        servers.values().forEach(SandboxApiServer::stop);
        servers.clear();
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(PropagationClusters.class));
    }

    public List<String> providers() {
        return List.copyOf(providers);
    }

    public String url(String name) {
        return servers.get(name).url();
    }

    public Path kubeconfig(String name) {
        return directory.resolve(name + ".kubeconfig");
    }

    public RequestCounter counter(String name) {
        return counters.get(name);
    }

    /** A client of its own (own connection pool, own User-Agent, which the servers' counters tell apart). */
    public KubernetesClient client(String name, String userAgent) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url(name))
                .withUserAgent(userAgent).withNamespace("default").withMaxConcurrentRequests(64)
                .withMaxConcurrentRequestsPerHost(64).withRequestRetryBackoffLimit(0).build()).build();
    }

    public int port(String name) {
        return servers.get(name).port();
    }

    /** Stops a server: the cluster becomes unreachable (connections refused). */
    public void stopServer(String name) {
        servers.remove(name).stop();
    }

    /** Starts a stopped cluster again on its old port, empty but for its namespaces, as a cluster rebuilt. */
    public void restartServer(String name, int port) {
        start(name, port);
    }

    private void start(String name, int port) {
        SandboxApiServer server = new SandboxApiServer(name, port);
        server.start();
        server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName("kube-system")
                .endMetadata().build());
        server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName("default")
                .endMetadata().build());
        RequestCounter counter = counters.computeIfAbsent(name, n -> new RequestCounter());
        count(server, counter);
        servers.put(name, server);
        try {
            Files.writeString(kubeconfig(name), server.kubeconfig());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts {@code counter} in front of the server's dispatcher. SandboxApiServer keeps its mock server private, and
     * the mock its web server and dispatcher: read by reflection (test code, unnamed module).
     */
    private static void count(SandboxApiServer server, RequestCounter counter) {
        try {
            KubernetesMockServer mock = (KubernetesMockServer) field(SandboxApiServer.class, "server").get(server);
            MockWebServer web = (MockWebServer) field(DefaultMockServer.class, "server").get(mock);
            Dispatcher inner = (Dispatcher) field(MockWebServer.class, "dispatcher").get(web);
            web.setDispatcher(counter.around(inner));
            web.addListener(counter.connections());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot count the requests of " + server.name()
                    + ": SandboxApiServer or fabric8's mock server changed", e);
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /** Requests one server answered, by agent, kind of path, method and code; plus timing of the writes. */
    public static final class RequestCounter {

        public enum Category {
            CONFIGMAP,
            SECRET,
            /** Objects of any kind served under /apis/ but CustomResourceDefinitions and Events. */
            CUSTOM_RESOURCE,
            /** GET of the kube-system namespace: the registry's health probe (and identity). */
            HEALTH_PROBE,
            NAMESPACE, EVENT, OTHER
        }

        /** The agent of every request whose client is not the benchmark's own ({@code benchmark-*}). */
        public static final String OPERATOR = "operator";

        private final RequestCounts.Tally counts = new RequestCounts.Tally();
        private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
        private final AtomicLong lastOperatorWriteNanos = new AtomicLong();
        private final AtomicLong lastOperatorWriteReceivedNanos = new AtomicLong();
        /** Writes to the one ConfigMap the latency figures update: when the last one arrived, when it was answered. */
        private final AtomicLong probeWriteReceived = new AtomicLong();
        private final AtomicLong probeWriteAnswered = new AtomicLong();
        private static final String PROBE_PATH = "/configmaps/" + PROBE;
        private final AtomicInteger openConnections = new AtomicInteger();
        private final AtomicInteger maxOpenConnections = new AtomicInteger();

        /** Threads that ran this server's dispatcher. */
        static final Set<Long> SERVER_THREADS = ConcurrentHashMap.newKeySet();

        Dispatcher around(Dispatcher inner) {
            return new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return RequestCounter.this.dispatch(inner, request);
                }

                @Override
                public void shutdown() {
                    inner.shutdown();
                }
            };
        }

        private MockResponse dispatch(Dispatcher inner, RecordedRequest request) {
            SERVER_THREADS.add(Thread.currentThread().threadId());
            String userAgent = request.getHeader("User-Agent");
            String agent = userAgent != null && userAgent.startsWith("benchmark-") ? userAgent : OPERATOR;
            RequestCounts.Request parsed = RequestCounts.Request.of(request);
            boolean write = parsed.write();
            Category category = categorize(parsed.path());
            boolean copyWrite = write && category == Category.CONFIGMAP;
            boolean probeWrite = copyWrite && parsed.path().endsWith(PROBE_PATH);
            long start = System.nanoTime();
            if (write && OPERATOR.equals(agent)) {
                lastOperatorWriteReceivedNanos.accumulateAndGet(start, Math::max);
            }
            if (probeWrite) {
                probeWriteReceived.set(start);
            }
            if (copyWrite) {
                int now = inFlight.computeIfAbsent(agent, a -> new AtomicInteger()).incrementAndGet();
                maxInFlight.computeIfAbsent(agent, a -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            }
            MockResponse response = null;
            try {
                response = inner.dispatch(request);
                return response;
            } finally {
                answered(agent, category, parsed, response, copyWrite, probeWrite);
            }
        }

        private void answered(String agent, Category category, RequestCounts.Request request, MockResponse response,
                boolean copyWrite, boolean probeWrite) {
            long end = System.nanoTime();
            counts.add(new RequestCounts.Key(agent, category, request.method(), response == null ? 0 : response.code()));
            if (copyWrite) {
                inFlight.get(agent).decrementAndGet();
            }
            if (probeWrite) {
                probeWriteAnswered.set(end);
            }
            if (request.write() && OPERATOR.equals(agent)) {
                lastOperatorWriteNanos.accumulateAndGet(end, Math::max);
            }
        }

        private static Category categorize(String path) {
            if (path.equals("/api/v1/namespaces/kube-system")) {
                return Category.HEALTH_PROBE;
            }
            if (path.matches("^/api/v1/(namespaces/[^/]+/)?configmaps(/[^/]+)?$")) {
                return Category.CONFIGMAP;
            }
            if (path.matches("^/api/v1/(namespaces/[^/]+/)?secrets(/[^/]+)?$")) {
                return Category.SECRET;
            }
            if (path.matches("^/api/v1/namespaces(/[^/]+)?$")) {
                return Category.NAMESPACE;
            }
            if (path.matches("^/(api/v1|apis/events\\.k8s\\.io/[^/]+)/(namespaces/[^/]+/)?events(/[^/]+)?$")) {
                return Category.EVENT;
            }
            if (path.matches("^/apis/[^/]+/[^/]+/(namespaces/[^/]+/)?[^/]+(/[^/]+)?(/status)?$")
                    && !path.startsWith("/apis/apiextensions.k8s.io/")) {
                return Category.CUSTOM_RESOURCE;
            }
            return Category.OTHER;
        }

        /** Counts the server's open client connections (each an open file on both sides, in this JVM). */
        MockWebServerListener connections() {
            return new MockWebServerListener() {
                @Override
                public void onConnection(RecordedHttpConnection connection) {
                    maxOpenConnections.accumulateAndGet(openConnections.incrementAndGet(), Math::max);
                }

                @Override
                public void onConnectionClosed(RecordedHttpConnection connection) {
                    openConnections.decrementAndGet();
                }
            };
        }

        /** The most client connections this server had open at once since the last reset. */
        public int maxOpenConnections() {
            return maxOpenConnections.get();
        }

        public void resetMaxOpenConnections() {
            maxOpenConnections.set(openConnections.get());
        }

        public RequestCounts snapshot() {
            return counts.snapshot();
        }

        /** When the operator's last write was answered (System.nanoTime). */
        public long lastOperatorWriteNanos() {
            return lastOperatorWriteNanos.get();
        }

        /** When the operator's last write arrived. */
        public long lastOperatorWriteReceivedNanos() {
            return lastOperatorWriteReceivedNanos.get();
        }

        public long probeWriteReceived() {
            return probeWriteReceived.get();
        }

        public long probeWriteAnswered() {
            return probeWriteAnswered.get();
        }

        /** The most copy writes this agent had in flight at this server since the last reset. */
        public int maxInFlight(String agent) {
            AtomicInteger max = maxInFlight.get(agent);
            return max == null ? 0 : max.get();
        }

        public void resetMaxInFlight() {
            maxInFlight.clear();
        }
    }
}
