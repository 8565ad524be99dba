package io.krmsync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.sandbox.SandboxApiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The in-memory clusters of the operator tests, as in the README's walkthroughs: {@code cluster1} is the local cluster
 * (the operator's own client points at it) and is also listed among the providers, as the command-line flags of the
 * walkthrough do; {@code cluster2} and {@code cluster3} are providers given by kubeconfig files; {@code cluster4} runs
 * in no source until a test adds it; {@code clusters.d} is the watched kubeconfig directory, empty at start. Every
 * {@link OperatorTest} has these, so one operator, started once, serves them all. Inject with a field of this type.
 */
public class TestClusters implements QuarkusTestResourceLifecycleManager {

    public static final String LOCAL = "cluster1";
    public static final List<String> PROVIDERS = List.of("cluster2", "cluster3");
    /** Where the operator reads cluster kubeconfig Secrets, as the Deployment's namespace in production. */
    public static final String OPERATOR_NAMESPACE = "krm-sync-system";

    private final Map<String, InMemoryCluster> clusters = new LinkedHashMap<>();
    private Path directory;

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("krm-sync-clusters");
            Files.createDirectories(watchedDirectory());
            for (String name : List.of(LOCAL, "cluster2", "cluster3", "cluster4")) {
                start(name, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String flagged = String.join(",", List.of(kubeconfig(LOCAL).toString(), kubeconfig("cluster2").toString(),
                kubeconfig("cluster3").toString()));
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.kubernetes-client.api-server-url", clusters.get(LOCAL).url());
        properties.put("krm-sync.local-cluster.name", LOCAL);
        properties.put("krm-sync.clusters.provider-kubeconfigs", flagged);
        properties.put("krm-sync.clusters.directory", watchedDirectory().toString());
        properties.put("krm-sync.clusters.file-poll-interval", "200ms");
        properties.put("krm-sync.clusters.health-check-interval", "1s");
        properties.put("krm-sync.clusters.max-reconnect-interval", "2s");
        properties.put("krm-sync.clusters.client.connect-timeout", "1s");
        properties.put("krm-sync.clusters.client.retry-backoff-limit", "0");
        properties.put("krm-sync.clusters.secrets.namespace", OPERATOR_NAMESPACE);
        // Longer than the tests' waits for event-driven deletes, so that those never pass thanks to a sweep.
        properties.put("krm-sync.propagation.sweep-interval", "15s");
        properties.put("krm-sync.propagation.retry-interval", "1s");
        properties.put("krm-sync.krmsyncer.retry-interval", "2s");
        return properties;
    }

    @Override
    public void stop() {
        clusters.values().forEach(InMemoryCluster::close);
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(TestClusters.class));
    }

    /** A client for a cluster, as {@code kubectl --kubeconfig ./NAME.kubeconfig}. */
    public KubernetesClient client(String name) {
        return clusters.get(name).client();
    }

    public Kubectl kubectl(String name) {
        return new Kubectl(client(name));
    }

    public Path kubeconfig(String name) {
        return directory.resolve(name + ".kubeconfig");
    }

    public String kubeconfigContent(String name) {
        return clusters.get(name).kubeconfig();
    }

    /** The cluster's API server, to make it refuse requests: {@code apiServer(NAME).expect()}. */
    public SandboxApiServer apiServer(String name) {
        return clusters.get(name).server();
    }

    /** Every running cluster answers every request itself again. */
    public void clearExpectations() {
        clusters.values().forEach(cluster -> cluster.server().clearExpectations());
    }

    public Path watchedDirectory() {
        return directory.resolve("clusters.d");
    }

    /** Stops a cluster's API server: it becomes unreachable. */
    public void stop(String name) {
        clusters.remove(name).close();
    }

    /** Starts a stopped cluster again on its old port, empty, as a cluster rebuilt from scratch. */
    public void restart(String name, int port) {
        start(name, port);
    }

    public int port(String name) {
        return clusters.get(name).port();
    }

    private void start(String name, int port) {
        InMemoryCluster cluster = InMemoryCluster.start(name, port);
        clusters.put(name, cluster);
        try {
            Files.writeString(kubeconfig(name), cluster.kubeconfig());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
