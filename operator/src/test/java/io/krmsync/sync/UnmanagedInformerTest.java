package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** The one way krm-sync runs informers outside the operator SDK, and their sharing between primaries. */
@EnableKubernetesMockClient(crud = true)
class UnmanagedInformerTest {

    KubernetesClient client;

    @Test
    void tellsEveryChangeAndWhenItHasListed() {
        create("before", "team", "a");
        List<String> changes = new CopyOnWriteArrayList<>();
        AtomicInteger listed = new AtomicInteger();
        try (UnmanagedInformer<ConfigMap> informer = UnmanagedInformer
                .watching("team a's ConfigMaps", client.configMaps().inNamespace("default").withLabel("team", "a"))
                .onChange(object -> changes.add(object.getMetadata().getName()))
                .onListed(listed::incrementAndGet)
                .build().start()) {
            await().until(informer::hasSynced);
            await().untilAsserted(() -> assertThat(listed).hasValue(1));
            create("after", "team", "a");
            create("other-team", "team", "b");
            client.configMaps().inNamespace("default").withName("before").delete();

            await().untilAsserted(() -> assertThat(changes).containsExactly("before", "after", "before"));
            assertThat(informer.list()).extracting(object -> object.getMetadata().getName()).containsExactly("after");
            assertThat(informer.cache().get("default", "after")).isPresent();
        }
    }

    /** A cluster that does not answer: the informer keeps trying, and tells each failure, until it is closed. */
    @Test
    void keepsRetryingAnUnreachableClusterAndTellsEachFailure() {
        Config unreachable = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:1")
                .withConnectionTimeout(200).withRequestRetryBackoffLimit(0).withWatchReconnectInterval(50).build();
        AtomicInteger failures = new AtomicInteger();
        try (KubernetesClient down = new KubernetesClientBuilder().withConfig(unreachable).build();
                UnmanagedInformer<ConfigMap> informer = UnmanagedInformer
                        .watching("ConfigMaps of a cluster that is down", down.configMaps().inAnyNamespace())
                        .onFailure(failures::incrementAndGet)
                        .build().start()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(failures).hasValueGreaterThan(1));
            assertThat(informer.hasSynced()).isFalse();
            assertThat(informer.isWatching()).isFalse();
        }
    }

    @Test
    void aSharedInformerIsOpenedOnceTriggersEveryUserAndClosesWithTheLastOne() {
        ResourceID first = new ResourceID("first", "ops");
        ResourceID second = new ResourceID("second", "ops");
        List<ResourceID> triggered = new CopyOnWriteArrayList<>();
        AtomicInteger opened = new AtomicInteger();
        SharedInformers<String, ConfigMap> shared = new SharedInformers<>((namespace, triggerUsers) -> {
            opened.incrementAndGet();
            return UnmanagedInformer.watching("ConfigMaps in " + namespace, client.configMaps().inNamespace(namespace))
                    .onChange(object -> triggerUsers.run()).build();
        }, triggered::add);

        UnmanagedInformer<ConfigMap> informer = shared.acquire(first, "default");
        assertThat(shared.acquire(second, "default")).isSameAs(informer);
        shared.acquire(second, "kube-system");
        assertThat(opened).hasValue(2);
        await().until(informer::hasSynced);
        create("seen-by-both", "team", "a");
        await().untilAsserted(() -> assertThat(triggered).contains(first, second));

        shared.retain(second, Set.of("default"));
        assertThat(shared.keys()).containsExactly("default");
        shared.release(first);
        assertThat(shared.keys()).containsExactly("default");
        shared.release(second);
        assertThat(shared.keys()).isEmpty();
        await().until(() -> !informer.isWatching());
    }

    private void create(String name, String label, String value) {
        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of(label, value)).endMetadata().withData(Map.of("k", "v")).build()).create();
    }
}
