package io.krmsync.testing;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.READY;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;
import static io.krmsync.testing.KrmSyncAssertions.conditionOf;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowingConsumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.quarkus.test.common.WithTestResource;

/**
 * The fixture of every test that runs the operator in-process, after the Keycloak operator's BaseOperatorTest: the
 * in-memory clusters of {@link TestClusters} (the same for every such test class, so that they all share one running
 * operator), kubectl for each cluster, a namespace of its own for each test, and a cleanup after it, so that no syncer
 * of one test works on in the next. A test reads like a kubectl session: apply, wait, check. Subclasses are
 * {@code @QuarkusTest}s.
 */
@WithTestResource(TestClusters.class)
public abstract class OperatorTest {

    /** The cluster the operator runs in, where the syncers live: {@code cluster1}. */
    protected static final String LOCAL = TestClusters.LOCAL;

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final Duration COPY_WAIT = Duration.ofSeconds(15);
    private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
    /** A finalizer's work, deleting the copies in every target, takes well under a second. */
    private static final Duration CLEANUP_WAIT = Duration.ofSeconds(10);

    /** Injected by {@link TestClusters}. */
    protected TestClusters clusters;

    @ConfigProperty(name = "quarkus.http.test-port")
    protected int httpPort;

    /** This test's own namespace in the local cluster, created before it runs. */
    protected String namespace;

    /** The namespaces this test put things in, which the cleanup empties. */
    private final Set<String> used = new LinkedHashSet<>();

    @BeforeEach
    void createOwnNamespace(TestInfo test) {
        String method = test.getTestMethod().map(Method::getName).orElse("test").toLowerCase()
                .replaceAll("[^a-z0-9]", "");
        // A namespace name is a DNS label of at most 63 characters, and tests add suffixes to their namespace's.
        namespace = method.substring(0, Math.min(method.length(), 24)) + "-" + TESTS.incrementAndGet();
        use(namespace);
        kubectl().createNamespace(namespace);
    }

    /**
     * Faults injected into an API server end with the test; every syncer the test made is deleted, and waited for
     * (its finalizer cleans up), before the ConfigMaps it synced go too (and with them, propagated copies).
     */
    @AfterEach
    void cleanUp() {
        clusters.clearExpectations();
        for (String ns : used) {
            local().resources(ConfigMapSyncer.class).inNamespace(ns).delete();
            local().resources(KRMSyncer.class).inNamespace(ns).delete();
        }
        awaitSyncersGone();
        used.forEach(ns -> local().configMaps().inNamespace(ns).delete());
        used.clear();
    }

    /**
     * Every syncer the test made finishes deleting: one that keeps its finalizer would block {@code kubectl delete} and
     * namespace deletion for a user, whatever the test at hand checks.
     */
    private void awaitSyncersGone() {
        eventually(CLEANUP_WAIT).untilAsserted(() -> assertThat(leftSyncers())
                .as("syncers still deleting %s after the test", CLEANUP_WAIT).isEmpty());
    }

    private List<String> leftSyncers() {
        return used.stream().flatMap(ns -> Stream.concat(
                local().resources(ConfigMapSyncer.class).inNamespace(ns).list().getItems().stream(),
                local().resources(KRMSyncer.class).inNamespace(ns).list().getItems().stream()))
                .map(syncer -> syncer.getKind() + " " + syncer.getMetadata().getNamespace() + "/"
                        + syncer.getMetadata().getName())
                .toList();
    }

    /** kubectl in the local cluster. */
    protected Kubectl kubectl() {
        return clusters.kubectl(LOCAL);
    }

    /** {@code kubectl --kubeconfig ./CLUSTER.kubeconfig} */
    protected Kubectl kubectl(String cluster) {
        return clusters.kubectl(cluster);
    }

    protected KubernetesClient local() {
        return clusters.client(LOCAL);
    }

    /** One more namespace of this test's own, named after its namespace: {@code kubectl create namespace}. */
    protected String namespace(String suffix, String... labels) {
        String name = namespace + "-" + suffix;
        use(name);
        kubectl().createNamespace(name, labels);
        return name;
    }

    /**
     * A namespace of the local cluster with a fixed name, as the walkthroughs use ({@code default}, {@code dev}):
     * created if missing, and what the test puts there is cleaned up after it like its own namespace's content.
     */
    protected String namespaceNamed(String name) {
        if (!kubectl().hasNamespace(name)) {
            kubectl().createNamespace(name);
        }
        return use(name);
    }

    private String use(String name) {
        used.add(name);
        return name;
    }

    /** {@code kubectl apply -f FILE} in the local cluster, of a new object. */
    protected <T extends HasMetadata> T apply(Manifest<T> manifest) {
        return kubectl().apply(manifest);
    }

    /** {@code kubectl get -o yaml}: the object as it is now in the local cluster, or null once it is gone. */
    protected <T extends HasMetadata> T latest(T object) {
        return kubectl().get(object);
    }

    /**
     * The ConfigMapSyncer sample, named {@code name}, in this test's namespace, copying the ConfigMap {@code app-config}
     * of this test's namespace to the target namespaces.
     */
    protected Manifest<ConfigMapSyncer> configMapSyncer(String name, String... targets) {
        return Manifest.configMapSyncerSample().named(name).inNamespace(namespace)
                .with("spec.sourceNamespace", namespace).with("spec.targetNamespaces", List.of(targets));
    }

    /**
     * The KRMSyncer sample, named {@code name}, in this test's namespace, copying the ConfigMaps of this namespace to
     * the cluster whose kubeconfig is in {@code secret}; without {@code suspend}, so that a test can set either field.
     */
    protected Manifest<KRMSyncer> krmSyncer(String name, String secret) {
        return Manifest.krmSyncerSample().named(name).inNamespace(namespace).without("spec.suspend")
                .with("spec.rules[0].namespaces", List.of(namespace))
                .with("spec.destination.clusterConfig.kubeConfigSecretRef.name", secret);
    }

    /** {@code kubectl wait --for=condition=Ready}, until the reason is this one too; the Ready condition then. */
    protected Condition awaitReady(CustomResource<?, ?> syncer, String reason) {
        return awaitCondition(syncer, READY, "True", reason);
    }

    /** {@code kubectl wait --for=condition=Ready=false}, until the reason is this one too. */
    protected Condition awaitNotReady(CustomResource<?, ?> syncer, String reason) {
        return awaitCondition(syncer, READY, "False", reason);
    }

    protected Condition awaitCondition(CustomResource<?, ?> syncer, String type, String status, String reason) {
        return awaitCondition(syncer, type, status, reason, Eventually.AT_MOST);
    }

    /**
     * {@code kubectl wait --for=jsonpath=...}: the condition once it has this status and reason, in a status written
     * for the syncer's current spec.
     */
    protected Condition awaitCondition(CustomResource<?, ?> syncer, String type, String status, String reason,
            Duration atMost) {
        eventually(atMost).untilAsserted(() -> assertThat(latest(syncer)).as("%s %s", syncer.getKind(),
                syncer.getMetadata().getName()).hasCondition(type, status, reason).hasObservedItsGeneration());
        return conditionOf(latest(syncer), type).orElseThrow();
    }

    /** The object's Warning Event with this reason, once there is one ({@code kubectl describe}). */
    protected Event awaitWarning(HasMetadata object, String reason) {
        eventually(EVENT_WAIT).until(() -> warning(object, reason) != null);
        return warning(object, reason);
    }

    private Event warning(HasMetadata object, String reason) {
        return kubectl().eventsFor(object).stream()
                .filter(e -> "Warning".equals(e.getType()) && reason.equals(e.getReason())).findFirst().orElse(null);
    }

    /** Waits until the ConfigMap is in the cluster and passes the assertions, and returns it. */
    protected ConfigMap awaitCopy(String cluster, String namespace, String name, ThrowingConsumer<ConfigMap> assertions) {
        return awaitCopy(cluster, namespace, name, COPY_WAIT, assertions);
    }

    protected ConfigMap awaitCopy(String cluster, String namespace, String name, Duration atMost,
            ThrowingConsumer<ConfigMap> assertions) {
        eventually(atMost).untilAsserted(() -> {
            ConfigMap copy = kubectl(cluster).configMap(namespace, name);
            assertThat(copy).as("%s/%s in %s", namespace, name, cluster).isNotNull();
            assertions.accept(copy);
        });
        return kubectl(cluster).configMap(namespace, name);
    }

    /** Waits until the ConfigMap is gone from the cluster. */
    protected void awaitNoCopy(String cluster, String namespace, String name) {
        eventually(COPY_WAIT).untilAsserted(() -> assertThat(kubectl(cluster).configMap(namespace, name))
                .as("%s/%s in %s", namespace, name, cluster).isNull());
    }

    /** {@code curl localhost:PORT/q/...} of the running operator. */
    protected OperatorEndpoints operator() {
        return new OperatorEndpoints(httpPort);
    }

    /** One scrape of {@code /q/metrics}. */
    protected Scrape scrape() {
        return Scrape.of(operator());
    }
}
