package io.krmsync.configmapsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/** The ConfigMapSyncer samples of kubernetes/samples, applied as they ship, the way README's walkthrough does. */
@QuarkusTest
class ConfigMapSyncerSamplesTest extends OperatorTest {

    @Test
    void walkthroughSampleFansAppConfigOutAndCleansUp() {
        String source = namespaceNamed("default");
        List<String> targets = List.of(namespaceNamed("dev"), namespaceNamed("staging"), namespaceNamed("prod"));
        kubectl().createConfigMap(source, "app-config", "database.host=db.example.com", "database.port=5432");

        // kubectl apply -f kubernetes/samples/config_v1alpha1_configmapsyncer.yaml
        ConfigMapSyncer sample = apply(Manifest.configMapSyncerSample());

        awaitReady(sample, "Synced");
        assertThat(latest(sample).getStatus().getSyncedNamespaces()).containsExactlyInAnyOrderElementsOf(targets);
        for (String target : targets) {
            assertThat(kubectl().configMap(target, "app-config").getData())
                    .isEqualTo(Map.of("database.host", "db.example.com", "database.port", "5432"));
        }

        kubectl().delete(sample);
        eventually().untilAsserted(() -> {
            for (String target : targets) {
                assertThat(kubectl().configMap(target, "app-config")).as("copy in %s", target).isNull();
            }
        });
        assertThat(kubectl().configMap(source, "app-config")).as("the source stays").isNotNull();
    }

    /** The three exercises: a selector, a subset of keys, a Secret; staging is labelled for the selector, not dev. */
    @Test
    void exercisesSamplesEachSyncWhatTheyName() {
        String source = namespaceNamed("default"), dev = namespaceNamed("dev"), staging = namespaceNamed("staging");
        kubectl().labelNamespace(staging, "config-sync", "enabled");
        kubectl().labelNamespace(staging, "env", "staging");
        kubectl().createConfigMap(source, "app-config", "database.host=db.example.com", "database.port=5432",
                "log.level=debug");
        local().secrets().inNamespace(source).resource(new SecretBuilder().withNewMetadata()
                .withName("registry-credentials").endMetadata().addToStringData("password", "s3cr3t").build()).create();

        // kubectl apply -f kubernetes/samples/configmapsyncer-exercises.yaml
        List<ConfigMapSyncer> exercises = Manifest.samples(Manifest.CONFIGMAPSYNCER_EXERCISES, ConfigMapSyncer.class)
                .stream().map(this::apply).toList();

        exercises.forEach(syncer -> awaitReady(syncer, "Synced"));
        assertThat(latest(exercises.get(0)).getStatus().getSyncedNamespaces()).containsExactly(staging);
        assertThat(kubectl().configMap(staging, "app-config").getData()).containsKeys("database.host", "log.level");
        assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsOnlyKeys("database.host", "database.port");
        assertThat(List.of(dev, staging)).allSatisfy(namespace -> assertThat(kubectl().secret(namespace,
                "registry-credentials").getData()).containsKey("password"));
    }
}
