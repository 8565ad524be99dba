package io.krmsync.sandbox;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.MockServerExpectationImpl;
import io.fabric8.mockwebserver.internal.SimpleRequest;

/**
 * One in-memory Kubernetes API server of the sandbox: fabric8's {@link KubernetesMockServer} in CRUD mode behind a
 * {@link SandboxDispatcher}, listening on loopback over plain HTTP.
 */
public final class SandboxApiServer {

    private final String name;
    private final int requestedPort;
    private final Map<ServerRequest, Queue<ServerResponse>> expectations = new ConcurrentHashMap<>();
    private final Map<RequestLine, RecordedRequest> racingRequests = new ConcurrentHashMap<>();
    private KubernetesMockServer server;
    private SandboxDispatcher dispatcher;

    /** @param port the loopback port to listen on; 0 picks a free one */
    public SandboxApiServer(String name, int port) {
        this.name = name;
        this.requestedPort = port;
    }

    /** Starts listening; fails with a message naming the port when it is taken. */
    public synchronized void start() {
        if (server != null) {
            throw new IllegalStateException(name + " is already started");
        }
        // The mock's MockWebServer creates its Vert.x instance on construction, so it is built only here,
        // where stop() can always release it.
        MockWebServer webServer = new MockWebServer();
        dispatcher = new SandboxDispatcher();
        Dispatcher front = racersFirst(racingRequests, expectationsFirst(expectations, dispatcher));
        server = new KubernetesMockServer(new Context(), webServer, new HashMap<>(),
                forgetfulDispatcher(webServer, front), false);
        try {
            server.start(InetAddress.getLoopbackAddress(), requestedPort);
        } catch (RuntimeException e) {
            stop();
            throw new IllegalStateException("Sandbox API server " + name + " cannot listen on "
                    + InetAddress.getLoopbackAddress().getHostAddress() + ":" + requestedPort
                    + " (is the port taken by another process?)", e);
        }
    }

    /** Stops listening and releases the server's threads; safe to call more than once. */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server = null;
            dispatcher = null;
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return running().getPort();
    }

    public String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    /** A kubeconfig with one cluster, user and context, all named after this server, in namespace default. */
    public String kubeconfig() {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s
                  user: {}
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(name, url());
    }

    /** A fabric8 client for this server. */
    public NamespacedKubernetesClient createClient() {
        return running().createClient();
    }

    /**
     * Creates an object in-process, through the same dispatcher HTTP requests go through.
     *
     * @param collectionPath the object's collection, e.g. {@code /api/v1/namespaces}
     */
    public void create(String collectionPath, HasMetadata object) {
        running();
        byte[] body = Serialization.asJson(object).getBytes(StandardCharsets.UTF_8);
        MockResponse response = dispatcher.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, collectionPath,
                Headers.builder().add("Content-Type", "application/json").build(), new Buffer(body)));
        if (response.code() != 201) {
            throw new IllegalStateException("Creating " + object.getKind() + " " + object.getMetadata().getName()
                    + " in " + name + " answered " + response.code() + ": " + response.getBody().readUtf8());
        }
    }

    /**
     * Canned answers that take precedence over the sandbox's own, as in fabric8's mock server in CRUD mode: for tests
     * that need the API server to refuse a request (e.g. a 403 on one delete). Kept apart from the mock's own
     * expectations (its stub {@code /version} and discovery), which the sandbox answers better.
     */
    public MockServerExpectation expect() {
        running();
        return new MockServerExpectationImpl(expectations, new Context());
    }

    /**
     * A race for tests: just before this server handles the next request with this method and path (without query),
     * it handles a DELETE of {@code deletedPath}, as if another client's delete had reached it a moment earlier. A
     * test can so put a delete exactly between an operator's read of an object and its next write of it (a
     * reconciliation's status write), which real clients hit only by chance. Dropped by {@link #clearExpectations()},
     * used or not.
     */
    public void deleteJustBefore(HttpMethod method, String path, String deletedPath) {
        racingRequest(method, path, new RecordedRequest("HTTP/1.1", HttpMethod.DELETE, deletedPath,
                Headers.builder().build(), new Buffer()));
    }

    /** The same race as {@link #deleteJustBefore}, with a JSON merge patch of {@code patchedPath} instead. */
    public void mergePatchJustBefore(HttpMethod method, String path, String patchedPath, String mergePatch) {
        racingRequest(method, path, new RecordedRequest("HTTP/1.1", HttpMethod.PATCH, patchedPath,
                Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
                new Buffer(mergePatch.getBytes(StandardCharsets.UTF_8))));
    }

    private void racingRequest(HttpMethod method, String path, RecordedRequest racer) {
        running();
        racingRequests.put(new RequestLine(method, path), racer);
    }

    /**
     * Makes this server refuse an access, as RBAC without a grant for it would: SubjectAccessReviews of it answer not
     * allowed, and requests impersonating {@code user} to do it get 403. A null argument matches anything; resource is
     * the plural ({@code configmaps}), namespace "" means cluster-wide, name "" no particular object. Dropped by
     * {@link #clearExpectations()}.
     */
    public void deny(String user, String verb, String resource, String namespace, String name) {
        running();
        dispatcher.authorizer().policy().deny(new AccessPolicy.Denial(user, verb, resource, namespace, name));
    }

    /** Records every request from now on, and every SubjectAccessReview, until {@link #clearExpectations()}. */
    public RequestLog recordRequests() {
        running();
        return dispatcher.authorizer().startLog();
    }

    /**
     * Drops every canned answer set with {@link #expect()}, every race set up ({@link #deleteJustBefore}, ...) and every
     * access denied ({@link #deny}), and stops recording requests.
     */
    public void clearExpectations() {
        expectations.clear();
        racingRequests.clear();
        SandboxDispatcher current = dispatcher;
        if (current != null) {
            current.authorizer().clear();
        }
    }

    private KubernetesMockServer running() {
        if (server == null) {
            throw new IllegalStateException("Sandbox API server " + name + " is not running");
        }
        return server;
    }

    /** An expected request is answered as {@link #expect()} said, as long as it has an answer left. */
    private static Dispatcher expectationsFirst(Map<ServerRequest, Queue<ServerResponse>> expectations,
            Dispatcher delegate) {
        MockDispatcher expected = new MockDispatcher(expectations);
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                Queue<ServerResponse> answers = expectations.isEmpty() ? null
                        : expectations.get(new SimpleRequest(request.method(), request.getPath()));
                return answers != null && !answers.isEmpty() ? expected.dispatch(request) : delegate.dispatch(request);
            }
        };
    }

    private record RequestLine(HttpMethod method, String path) {

        static RequestLine of(RecordedRequest request) {
            String path = request.getPath();
            int query = path.indexOf('?');
            return new RequestLine(request.method(), query < 0 ? path : path.substring(0, query));
        }
    }

    /** A request that a race was set up for comes after the racing request, which is dispatched the same way. */
    private static Dispatcher racersFirst(Map<RequestLine, RecordedRequest> racingRequests, Dispatcher delegate) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                RecordedRequest racer = racingRequests.isEmpty() ? null
                        : racingRequests.remove(RequestLine.of(request));
                if (racer != null) {
                    delegate.dispatch(racer);
                }
                return delegate.dispatch(request);
            }
        };
    }

    /**
     * The mock keeps every request it receives for test assertions; a sandbox that runs for hours must not, so the
     * record is dropped as each request arrives.
     */
    private static Dispatcher forgetfulDispatcher(MockWebServer webServer, Dispatcher delegate) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                webServer.reset();
                return delegate.dispatch(request);
            }
        };
    }
}
