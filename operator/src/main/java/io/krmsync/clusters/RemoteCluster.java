package io.krmsync.clusters;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A cluster from the registry: its unique name, where its kubeconfig came from, its own client, and its health as
 * last seen by the registry's probe or by a failed request.
 */
public final class RemoteCluster {

    public enum State {
        /** Not contacted yet. */
        CONNECTING,
        /** Answered its last probe. */
        REACHABLE,
        /** Did not answer; retried with a capped backoff. */
        UNREACHABLE,
        /** The cluster the operator runs in, listed again among the remote ones: never written to as a remote. */
        LOCAL
    }

    private final ClusterKubeconfig kubeconfig;
    private final ClusterSource source;
    private final KubernetesClient client;
    private final Semaphore requestPermits;
    private volatile State state = State.CONNECTING;
    private volatile String identity;
    private volatile String lastError;
    private volatile Instant lastContact;
    private volatile Instant stateSince = Instant.now();

    RemoteCluster(ClusterKubeconfig kubeconfig, ClusterSource source, KubernetesClient client,
            int maxConcurrentRequests) {
        this.kubeconfig = kubeconfig;
        this.source = source;
        this.client = client;
        this.requestPermits = new Semaphore(maxConcurrentRequests);
    }

    /**
     * Runs requests to this cluster within its {@code max-concurrent-requests} bound. fabric8's Vert.x client does
     * not enforce that setting (its pool allows thousands of connections), so a bulk change would otherwise open one
     * connection per request in flight: callers that fan out wrap each unit of work in this.
     */
    public <T> T bounded(Supplier<T> requests) {
        requestPermits.acquireUninterruptibly();
        try {
            return requests.get();
        } finally {
            requestPermits.release();
        }
    }

    public String name() {
        return kubeconfig.name();
    }

    public String origin() {
        return kubeconfig.origin();
    }

    public ClusterSource source() {
        return source;
    }

    public KubernetesClient client() {
        return client;
    }

    public State state() {
        return state;
    }

    public Instant stateSince() {
        return stateSince;
    }

    /** The kube-system namespace's UID, or the server URL where that cannot be read; empty before first contact. */
    public Optional<String> identity() {
        return Optional.ofNullable(identity);
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    public Optional<Instant> lastContact() {
        return Optional.ofNullable(lastContact);
    }

    ClusterKubeconfig kubeconfig() {
        return kubeconfig;
    }

    /** @return true when the state changed */
    boolean contacted(String identity, State state) {
        this.identity = identity;
        this.lastContact = Instant.now();
        this.lastError = null;
        return moveTo(state);
    }

    /** @return true when the state changed */
    boolean failed(String error) {
        this.lastError = error;
        return moveTo(State.UNREACHABLE);
    }

    private boolean moveTo(State next) {
        if (state == next) {
            return false;
        }
        state = next;
        stateSince = Instant.now();
        return true;
    }

    @Override
    public String toString() {
        return "cluster " + name() + " (" + origin() + ")";
    }
}
