package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.propagation.ProviderOutcomes.Outcome;
import io.krmsync.sandbox.SandboxApiServer;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.krmsync.sync.TrackingMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * A provider that lacks the copy's namespace: given one by default; with krm-sync.propagation.create-namespaces=false,
 * a NamespaceNotFound failure on the source, retried, until the namespace is created there.
 */
class ProviderWritesTest {

    private static final CopyOwner OWNER = new CopyOwner(PropagationReconciler.NAME, "uid:local");

    private final SandboxApiServer server = new SandboxApiServer("cluster2", 0);
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> events = new ArrayList<>();
    private final ProviderOutcomes outcomes = new ProviderOutcomes(new EventRecorder(null) {
        @Override
        public void warning(HasMetadata regarding, Reason reason, String message) {
            events.add(reason + ": " + message);
        }
    });
    private final ConfigMap source = new ConfigMapBuilder().withNewMetadata().withNamespace("team-a")
            .withName("settings").withResourceVersion("1").endMetadata().withData(Map.of("k", "v")).build();
    private Provider provider;
    private KubernetesClient cluster2;
    private CopyEngine engine;

    @BeforeEach
    void setUp() {
        provider = TestProviders.start(server, OWNER);
        cluster2 = provider.cluster().client();
        engine = new CopyEngine(cluster2.getKubernetesSerialization(), new SyncMetrics(new SimpleMeterRegistry()));
    }

    @AfterEach
    void tearDown() {
        writers.shutdownNow();
        TestProviders.close(provider);
        server.stop();
    }

    @Test
    void byDefaultAProviderLackingTheNamespaceIsGivenOne() {
        List<Outcome> written = writes(true).write(source, desired(), List.of(provider));

        assertThat(written).containsExactly(Outcome.synced("cluster2"));
        Namespace created = cluster2.namespaces().withName("team-a").get();
        assertThat(created.getMetadata().getLabels())
                .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, PropagationReconciler.NAME);
        assertThat(cluster2.configMaps().inNamespace("team-a").withName("settings").get()).isNotNull();
    }

    @Test
    void withoutNamespaceCreationTheProviderFailsUntilTheNamespaceExists() {
        ProviderWrites writes = writes(false);

        List<Outcome> written = writes.write(source, desired(), List.of(provider));

        assertThat(written).singleElement().satisfies(outcome -> {
            assertThat(outcome.kind()).isEqualTo(ProviderOutcomes.Kind.FAILED);
            assertThat(outcome.reason()).isEqualTo(Reason.NamespaceNotFound);
        });
        assertThat(outcomes.record(source, written)).as("retried").isTrue();
        assertThat(events).containsExactly("PropagationFailed: cluster cluster2: NamespaceNotFound: namespace team-a"
                + " does not exist there, and krm-sync.propagation.create-namespaces is false: create it there, and"
                + " the copy follows");
        assertThat(cluster2.namespaces().withName("team-a").get()).isNull();
        assertThat(cluster2.configMaps().inNamespace("team-a").withName("settings").get()).isNull();

        cluster2.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata()
                .build()).create();

        assertThat(writes.write(source, desired(), List.of(provider))).containsExactly(Outcome.synced("cluster2"));
        assertThat(cluster2.configMaps().inNamespace("team-a").withName("settings").get()).isNotNull();
        assertThat(cluster2.namespaces().withName("team-a").get().getMetadata().getLabels())
                .doesNotContainKey(TrackingMetadata.MANAGED_BY_LABEL);
    }

    private ProviderWrites writes(boolean createNamespaces) {
        return new ProviderWrites(engine, OWNER, ConflictPolicy.Skip, createNamespaces,
                new SyncMetrics(new SimpleMeterRegistry()), new SourceObservations(Clock.systemUTC()),
                (cluster, failure) -> {
                }, writers);
    }

    private GenericKubernetesResource desired() {
        return engine.sanitizer().desiredCopy(source, "team-a", new SourceRef("cluster1", "team-a", "settings"), OWNER);
    }
}
