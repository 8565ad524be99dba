package io.krmsync.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.sandbox.SandboxApiServer;
import io.krmsync.status.EventRecorder;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.sync.CopyEngine;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.SourceObservations;
import io.krmsync.sync.SourceRef;
import io.krmsync.sync.SyncMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Copies whose source is gone, removed outside reconciliations: on a deletion, in every provider given; by the sweep,
 * after asking the local API server, also when the source's namespace is out of the propagation scope; never on a
 * standby, and never for a source created again meanwhile.
 */
class GoneSourcesTest {

    private static final String SELECTOR = "example.io/propagate=true";
    private static final CopyOwner OWNER = new CopyOwner(PropagationReconciler.NAME, "uid:local");

    private final SandboxApiServer localServer = new SandboxApiServer("local", 0);
    private final List<SandboxApiServer> providerServers = List.of(new SandboxApiServer("provider-a", 0),
            new SandboxApiServer("provider-b", 0));
    private final Map<ResourceID, ConfigMap> cached = new ConcurrentHashMap<>();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final Set<String> outOfScope = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private KubernetesClient local;
    private CopyEngine engine;
    private List<Provider> providers;
    private GoneSources gone;

    @BeforeEach
    void setUp() {
        localServer.start();
        local = localServer.createClient();
        engine = new CopyEngine(local.getKubernetesSerialization(), new SyncMetrics(new SimpleMeterRegistry()));
        providers = providerServers.stream().map(server -> TestProviders.start(server, OWNER)).toList();
        gone = new GoneSources(engine, OWNER, new MapCache(), local, SELECTOR,
                namespace -> !outOfScope.contains(namespace), leading::get, writers,
                new ProviderOutcomes(new EventRecorder(null)), new SourceObservations(Clock.systemUTC()));
    }

    @AfterEach
    void tearDown() {
        writers.shutdownNow();
        providers.forEach(TestProviders::close);
        providerServers.forEach(SandboxApiServer::stop);
        local.close();
        localServer.stop();
    }

    @Test
    void aDeletedSourceTakesItsCopiesFromEveryProviderAndNothingElse() {
        copyEverywhere(source("settings", "uid-1"));
        ConfigMap users = new ConfigMapBuilder().withNewMetadata().withName("users-own").withNamespace("default")
                .endMetadata().withData(Map.of("k", "v")).build();
        providers.get(0).cluster().client().configMaps().resource(users).create();

        gone.removeCopies(new ResourceID("settings", "default"), "uid-1", providers).join();

        providers.forEach(provider -> assertThat(copy(provider, "settings")).as(provider.cluster().name()).isNull());
        assertThat(copy(providers.get(0), "users-own")).isNotNull();
    }

    @Test
    void aSourceCreatedAgainWithTheSameNameKeepsItsCopies() {
        copyEverywhere(source("recreated", "uid-1"));
        ConfigMap again = source("recreated", "uid-2");
        cached.put(ResourceID.fromResource(again), again);

        gone.removeCopies(new ResourceID("recreated", "default"), "uid-1", providers).join();

        providers.forEach(provider -> assertThat(copy(provider, "recreated")).isNotNull());
    }

    @Test
    void theSweepDeletesOnlyCopiesWhoseSourceIsNoLongerSelected() {
        ConfigMap kept = source("kept", "uid-1");
        local.configMaps().resource(kept).create();
        copyEverywhere(kept);
        copyEverywhere(source("deleted-while-down", "uid-2"));
        // Not yet in the SDK's cache (an operator starting): the sweep asks the API server.
        providers.forEach(gone::sweep);

        providers.forEach(provider -> {
            assertThat(copy(provider, "deleted-while-down")).isNull();
            assertThat(copy(provider, "kept")).isNotNull();
        });
    }

    @Test
    void theSweepDeletesTheCopiesOfASourceOutOfScope() {
        ConfigMap source = source("out-of-scope", "uid-1");
        local.configMaps().resource(source).create();
        cached.put(ResourceID.fromResource(source), source);
        copyEverywhere(source);
        outOfScope.add("default");

        providers.forEach(gone::sweep);

        providers.forEach(provider -> assertThat(copy(provider, "out-of-scope")).as(provider.cluster().name())
                .isNull());
    }

    @Test
    void aStandbyDeletesNothing() {
        copyEverywhere(source("on-standby", "uid-1"));
        leading.set(false);
        outOfScope.add("default");

        gone.removeCopies(new ResourceID("on-standby", "default"), "uid-1", providers).join();
        gone.removeCopies(new ResourceID("on-standby", "default"), providers).join();
        providers.forEach(gone::sweep);

        providers.forEach(provider -> assertThat(copy(provider, "on-standby")).isNotNull());
    }

    /** A provider that goes away mid-sweep ends its own sweep; the others are swept as usual. */
    @Test
    void aProviderThatStopsAnsweringEndsItsSweepAndLeavesTheOthersAlone() {
        copyEverywhere(source("orphan-1", "uid-1"));
        copyEverywhere(source("orphan-2", "uid-2"));
        providerServers.get(0).stop();

        providers.forEach(gone::sweep);

        assertThat(copy(providers.get(1), "orphan-1")).isNull();
        assertThat(copy(providers.get(1), "orphan-2")).isNull();
    }

    private static ConfigMap source(String name, String uid) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").withUid(uid)
                .withLabels(Map.of("example.io/propagate", "true")).endMetadata().withData(Map.of("k", "v")).build();
    }

    /** What the reconciler writes, in every provider, seen by each provider's informer. */
    private void copyEverywhere(ConfigMap source) {
        String name = source.getMetadata().getName();
        var desired = engine.sanitizer().desiredCopy(source, "default", new SourceRef("local", "default", name), OWNER);
        for (Provider provider : providers) {
            engine.sync(provider.target(), desired, OWNER, ConflictPolicy.Skip);
            await().until(() -> provider.informer().list().stream()
                    .anyMatch(copy -> name.equals(copy.getMetadata().getName())));
        }
    }

    private static ConfigMap copy(Provider provider, String name) {
        return provider.cluster().client().configMaps().inNamespace("default").withName(name).get();
    }

    /** The SDK's cache of selected ConfigMaps, as the test sets it. */
    private final class MapCache implements Cache<ConfigMap> {

        @Override
        public Optional<ConfigMap> get(ResourceID id) {
            return Optional.ofNullable(cached.get(id));
        }

        @Override
        public Stream<ResourceID> keys() {
            return cached.keySet().stream();
        }

        @Override
        public Stream<ConfigMap> list(Predicate<ConfigMap> predicate) {
            return cached.values().stream().filter(predicate);
        }
    }
}
