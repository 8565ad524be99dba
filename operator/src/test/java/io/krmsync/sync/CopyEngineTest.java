package io.krmsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.krmsync.sync.CopyResult.Outcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The copy engine's writes for a kind with server defaults and controllers, against an in-memory API server. */
@EnableKubernetesMockClient(crud = true)
class CopyEngineTest {

    private static final CopyOwner OWNER = CopyOwner.of("krmsyncer", "ops", "standby");
    private static final SourceRef SOURCE = new SourceRef("primary", "shop", "web");

    KubernetesClient client;
    private CopyEngine engine;
    private CopyTarget<Deployment> target;

    @BeforeEach
    void setUp() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
                .create();
        engine = new CopyEngine(client.getKubernetesSerialization(), new SyncMetrics(new SimpleMeterRegistry()));
        // Reads straight from the server: this test is about what the engine writes, not about caching.
        CopyCache<Deployment> readThrough = new CopyCache<>() {
            @Override
            public Optional<Deployment> get(String namespace, String name) {
                return Optional.ofNullable(client.apps().deployments().inNamespace(namespace).withName(name).get());
            }

            @Override
            public void written(Deployment previous, Deployment written) {
            }
        };
        target = new CopyTarget<>("standby", Deployment.class, client.apps().deployments(), readThrough);
    }

    @Test
    void metadataAddedByTheDestinationSurvivesAndCausesNoWrite() {
        assertThat(sync(source(Map.of("tier", "web"))).outcome()).isEqualTo(Outcome.CREATED);
        annotateCopy("deployment.kubernetes.io/revision", "1");

        assertThat(sync(source(Map.of("tier", "web"))).outcome()).isEqualTo(Outcome.UNCHANGED);
    }

    @Test
    void editedManagedLabelIsRevertedWithoutDroppingTheDestinationsAnnotations() {
        sync(source(Map.of("tier", "web")));
        annotateCopy("deployment.kubernetes.io/revision", "1");
        client.apps().deployments().inNamespace("shop").withName("web")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToLabels("tier", "edited").endMetadata().build());

        assertThat(sync(source(Map.of("tier", "web"))).outcome()).isEqualTo(Outcome.UPDATED);

        Deployment copy = copy();
        assertThat(copy.getMetadata().getLabels()).containsEntry("tier", "web");
        assertThat(copy.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");
    }

    @Test
    void labelRemovedFromTheSourceLeavesTheCopy() {
        sync(source(Map.of("tier", "web", "team", "payments")));

        CopyResult result = sync(source(Map.of("tier", "web")));

        assertThat(result.outcome()).isEqualTo(Outcome.UPDATED);
        assertThat(result.carriedSourceChange()).isTrue();
        assertThat(copy().getMetadata().getLabels()).containsEntry("tier", "web").doesNotContainKey("team");
    }

    @Test
    void aCopyDeletedBehindAStaleCacheIsCreatedAgain() {
        sync(source(Map.of("tier", "web")));
        Deployment stale = copy();
        client.apps().deployments().inNamespace("shop").withName("web").delete();
        CopyCache<Deployment> staleCache = new CopyCache<>() {
            @Override
            public Optional<Deployment> get(String namespace, String name) {
                return Optional.of(stale);
            }

            @Override
            public void written(Deployment previous, Deployment written) {
            }
        };
        CopyTarget<Deployment> behindStaleCache = new CopyTarget<>("standby", Deployment.class,
                client.apps().deployments(), staleCache);

        CopyResult result = engine.sync(behindStaleCache, engine.sanitizer().desiredCopy(
                source(Map.of("tier", "web2")), "shop", SOURCE, OWNER), OWNER, ConflictPolicy.Skip);

        assertThat(result.outcome()).isEqualTo(Outcome.CREATED);
        assertThat(copy().getMetadata().getLabels()).containsEntry("tier", "web2");
    }

    @Test
    void aConflictTellsAnObjectKrmSyncDidNotCreateFromAnotherOwnersCopy() {
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder(source(Map.of()))
                .editMetadata().withUid(null).withResourceVersion(null).endMetadata().build()).create();

        CopyResult unmanaged = sync(source(Map.of("tier", "web")));

        assertThat(unmanaged.outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(unmanaged.unmanaged()).isTrue();

        client.apps().deployments().inNamespace("shop").withName("web").delete();
        CopyOwner other = CopyOwner.of("krmsyncer", "ops", "other");
        engine.sync(target, engine.sanitizer().desiredCopy(source(Map.of()), "shop", SOURCE, other), other,
                ConflictPolicy.Skip);

        CopyResult othersCopy = engine.sync(target, engine.sanitizer().desiredCopy(source(Map.of()), "shop", SOURCE,
                OWNER), OWNER, ConflictPolicy.Overwrite);

        assertThat(othersCopy.outcome()).isEqualTo(Outcome.CONFLICT);
        assertThat(othersCopy.unmanaged()).isFalse();
    }

    private CopyResult sync(Deployment source) {
        GenericKubernetesResource desired = engine.sanitizer().desiredCopy(source, "shop", SOURCE, OWNER);
        return engine.sync(target, desired, OWNER, ConflictPolicy.Skip);
    }

    private void annotateCopy(String key, String value) {
        client.apps().deployments().inNamespace("shop").withName("web")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToAnnotations(key, value).endMetadata().build());
    }

    private Deployment copy() {
        return client.apps().deployments().inNamespace("shop").withName("web").get();
    }

    private static Deployment source(Map<String, String> labels) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace("shop").withLabels(labels).withUid("source-uid")
                .withResourceVersion("42").endMetadata()
                .withNewSpec().withReplicas(2)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
