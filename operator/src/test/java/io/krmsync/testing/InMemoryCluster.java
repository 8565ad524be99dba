package io.krmsync.testing;

import java.util.List;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.sandbox.SandboxApiServer;

/**
 * One in-memory cluster for tests: a sandbox API server on loopback holding the namespaces every real cluster has,
 * and a client for it. The one place where tests start an API server.
 */
public final class InMemoryCluster implements AutoCloseable {

    /** kube-system's UID is how krm-sync tells clusters apart; default is where kubectl works unless told otherwise. */
    private static final List<String> NAMESPACES = List.of("kube-system", "default");

    private final SandboxApiServer server;
    private final KubernetesClient client;

    private InMemoryCluster(SandboxApiServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** @param port the loopback port; 0 picks a free one */
    public static InMemoryCluster start(String name, int port) {
        SandboxApiServer server = new SandboxApiServer(name, port);
        server.start();
        for (String namespace : NAMESPACES) {
            server.create("/api/v1/namespaces", new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .endMetadata().build());
        }
        return new InMemoryCluster(server);
    }

    public String name() {
        return server.name();
    }

    /** As {@code kubectl --kubeconfig ./NAME.kubeconfig}. */
    public KubernetesClient client() {
        return client;
    }

    /** Where faults are injected: {@code server().expect()}. */
    public SandboxApiServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public String url() {
        return server.url();
    }

    public String kubeconfig() {
        return server.kubeconfig();
    }

    /** Stops the API server: the cluster becomes unreachable, and everything in it is gone. */
    @Override
    public void close() {
        client.close();
        server.stop();
    }
}
