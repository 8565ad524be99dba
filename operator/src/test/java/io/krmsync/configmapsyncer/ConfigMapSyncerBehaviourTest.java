package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.krmsync.sync.TrackingMetadata;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConfigMapSyncerBehaviourTest extends SyncerTestSupport {

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void copyCarriesContentLabelsAnnotationsAndTrackingMarker() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        client.configMaps().inNamespace(src).resource(new ConfigMapBuilder().withNewMetadata().withName("app-config")
                .addToLabels("team", "payments")
                .addToAnnotations("owner", "alice")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
                .endMetadata()
                .withData(Map.of("database.host", "db.example.com"))
                .withBinaryData(Map.of("logo.png", Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3 })))
                .build()).create();

        applySyncer(src, "fanout", """
                sourceNamespace: %s
                sourceConfigMap: app-config
                targetNamespaces: [%s]
                """.formatted(src, dev));

        awaitReady(src, "fanout", "True", "Synced");
        ConfigMap copy = kubectl().configMap(dev, "app-config");
        assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("database.host", "db.example.com"));
        assertThat(copy.getBinaryData()).containsKey("logo.png");
        assertThat(copy.getMetadata().getLabels()).containsEntry("team", "payments")
                .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "configmapsyncer");
        assertThat(copy.getMetadata().getAnnotations()).containsEntry("owner", "alice")
                .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration")
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, "configmapsyncer/" + src + "/fanout")
                .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, "local/" + src + "/app-config");
        ConfigMapSyncer syncer = kubectl().syncer(src, "fanout");
        assertThat(syncer.getStatus().getSource()).isEqualTo("ConfigMap " + src + "/app-config");
        assertThat(syncer.getStatus().getSummary()).isEqualTo("1/1");
        assertThat(syncer.getStatus().getLastSyncTime()).isNotNull();
    }

    @Test
    void editedCopyIsRevertedAndDeletedCopyIsRecreated() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "key1=value1");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, dev));
        eventually().until(() -> kubectl().configMap(dev, "app-config") != null);

        kubectl().mergePatch(ConfigMap.class, dev, "app-config", "{\"data\":{\"key1\":\"hacked\",\"extra\":\"x\"}}");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsExactlyEntriesOf(Map.of("key1", "value1")));

        client.configMaps().inNamespace(dev).withName("app-config").delete();
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("key1", "value1")));
    }

    @Test
    void namespaceDroppedFromSpecLosesItsCopy() {
        String src = unique("src"), a = unique("a"), b = unique("b");
        kubectl().createNamespace(src);
        kubectl().createNamespace(a);
        kubectl().createNamespace(b);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s, %s]"
                .formatted(src, a, b));
        eventually().until(() -> kubectl().configMap(b, "app-config") != null);

        // An update, as kubectl edit does: the in-memory server's merge patch appends to lists instead of replacing them.
        kubectl().editSyncer(src, "fanout", spec -> spec.setTargetNamespaces(List.of(a)));

        eventually().untilAsserted(() -> assertThat(kubectl().configMap(b, "app-config")).isNull());
        assertThat(kubectl().configMap(a, "app-config")).isNotNull();
        eventually().untilAsserted(() -> assertThat(kubectl().syncer(src, "fanout").getStatus().getSyncedNamespaces())
                .containsExactly(a));
    }

    @Test
    void namespaceSelectorFollowsNamespacesAsTheyAreCreatedAndRelabelled() {
        String src = unique("src"), env = unique("env");
        String prod = unique("prod"), staging = unique("staging"), other = unique("other");
        kubectl().createNamespace(src, env + "=prod");
        kubectl().createNamespace(prod, env + "=prod");
        kubectl().createNamespace(staging, env + "=staging");
        kubectl().createNamespace(other);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "by-label", """
                sourceNamespace: %s
                sourceConfigMap: app-config
                namespaceSelector:
                  matchExpressions:
                    - {key: %s, operator: In, values: [prod, staging]}
                """.formatted(src, env));

        eventually().untilAsserted(() -> {
            assertThat(kubectl().configMap(prod, "app-config")).isNotNull();
            assertThat(kubectl().configMap(staging, "app-config")).isNotNull();
        });
        assertThat(kubectl().configMap(other, "app-config")).isNull();
        assertThat(kubectl().configMap(src, "app-config").getMetadata().getLabels())
                .as("the source itself is never overwritten").doesNotContainKey(TrackingMetadata.MANAGED_BY_LABEL);

        String later = unique("later");
        kubectl().createNamespace(later, env + "=prod");
        eventually().until(() -> kubectl().configMap(later, "app-config") != null);

        kubectl().labelNamespace(staging, env, "retired");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(staging, "app-config")).isNull());
        awaitReady(src, "by-label", "True", "Synced");
        assertThat(kubectl().syncer(src, "by-label").getStatus().getSyncedNamespaces())
                .containsExactlyInAnyOrder(prod, later);
    }

    @Test
    void missingTargetNamespaceIsReportedAndSyncedWhenItAppears() {
        String src = unique("src"), missing = unique("missing");
        kubectl().createNamespace(src);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, missing));

        awaitReady(src, "fanout", "False", "SyncFailed");
        ConfigMapSyncerStatus status = kubectl().syncer(src, "fanout").getStatus();
        assertThat(status.getFailedNamespaces()).containsExactly(missing);
        assertThat(status.getFailures()).singleElement().extracting(NamespaceFailure::reason)
                .isEqualTo("NamespaceNotFound");

        kubectl().createNamespace(missing);
        eventually().until(() -> kubectl().configMap(missing, "app-config") != null);
        awaitReady(src, "fanout", "True", "Synced");
        assertThat(kubectl().syncer(src, "fanout").getStatus().getFailures()).isEmpty();
    }

    @Test
    void terminatingNamespaceIsSkippedQuietly() {
        String src = unique("src"), live = unique("live"), leaving = unique("leaving");
        kubectl().createNamespace(src);
        kubectl().createNamespace(live);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(leaving)
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        client.namespaces().withName(leaving).delete();
        kubectl().createConfigMap(src, "app-config", "k=v");

        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s, %s]"
                .formatted(src, live, leaving));

        awaitReady(src, "fanout", "True", "Synced");
        assertThat(kubectl().configMap(leaving, "app-config")).isNull();
        assertThat(kubectl().syncer(src, "fanout").getStatus().getFailedNamespaces()).isEmpty();
        assertThat(kubectl().syncer(src, "fanout").getStatus().getSummary()).isEqualTo("1/1");
    }

    @Test
    void deletingTheSyncerRemovesExactlyItsCopiesFoundByMarker() {
        String src = unique("src"), a = unique("a"), b = unique("b"), bystander = unique("bystander");
        kubectl().createNamespace(src);
        kubectl().createNamespace(a);
        kubectl().createNamespace(b);
        kubectl().createNamespace(bystander);
        kubectl().createConfigMap(src, "app-config", "k=v");
        kubectl().createConfigMap(bystander, "app-config", "mine=yes");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s, %s]"
                .formatted(src, a, b));
        eventually().until(() -> kubectl().configMap(b, "app-config") != null);
        assertThat(kubectl().syncer(src, "fanout").getMetadata().getFinalizers())
                .contains(ConfigMapSyncerReconciler.FINALIZER);

        kubectl().deleteSyncer(src, "fanout");

        eventually().untilAsserted(() -> {
            assertThat(kubectl().configMap(a, "app-config")).isNull();
            assertThat(kubectl().configMap(b, "app-config")).isNull();
            assertThat(kubectl().syncer(src, "fanout")).isNull();
        });
        assertThat(kubectl().configMap(src, "app-config")).as("the source stays").isNotNull();
        assertThat(kubectl().configMap(bystander, "app-config").getData()).containsEntry("mine", "yes");
    }

    @Test
    void deletedSourceKeepsCopiesAndSyncResumesWhenItReturns() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "k=v1");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, dev));
        awaitReady(src, "fanout", "True", "Synced");

        client.configMaps().inNamespace(src).withName("app-config").delete();
        awaitReady(src, "fanout", "False", "SourceNotFound");
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("k", "v1");

        kubectl().createConfigMap(src, "app-config", "k=v2");
        awaitReady(src, "fanout", "True", "Synced");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsEntry("k", "v2"));
    }

    @Test
    void immutableCopyIsRecreatedWhenItsContentMustChange() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        client.configMaps().inNamespace(src).resource(new ConfigMapBuilder().withNewMetadata().withName("frozen")
                .endMetadata().withImmutable(true).withData(Map.of("v", "1")).build()).create();
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: frozen\ntargetNamespaces: [%s]"
                .formatted(src, dev));
        eventually().until(() -> kubectl().configMap(dev, "frozen") != null);
        String firstUid = kubectl().configMap(dev, "frozen").getMetadata().getUid();
        assertThat(kubectl().configMap(dev, "frozen").getImmutable()).isTrue();

        // An immutable source is changed the only way Kubernetes allows: delete and create again.
        client.configMaps().inNamespace(src).withName("frozen").delete();
        client.configMaps().inNamespace(src).resource(new ConfigMapBuilder().withNewMetadata().withName("frozen")
                .endMetadata().withImmutable(true).withData(Map.of("v", "2")).build()).create();

        eventually().untilAsserted(() -> {
            ConfigMap copy = kubectl().configMap(dev, "frozen");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("v", "2");
            assertThat(copy.getMetadata().getUid()).isNotEqualTo(firstUid);
        });
    }

    @Test
    void secondSyncerTargetingTheSameCopyReportsAConflictInsteadOfFighting() {
        String src = unique("src"), other = unique("other"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(other);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "from=first");
        kubectl().createConfigMap(other, "app-config", "from=second");
        applySyncer(src, "first", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, dev));
        awaitReady(src, "first", "True", "Synced");

        applySyncer(other, "second", """
                sourceNamespace: %s
                sourceConfigMap: app-config
                targetNamespaces: [%s]
                conflictPolicy: Overwrite
                """.formatted(other, dev));

        awaitReady(other, "second", "False", "Conflict");
        assertThat(kubectl().syncer(other, "second").getStatus().getFailures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("another krm-sync owner"));
        String resourceVersion = kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion();
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("from", "first");
        assertThat(kubectl().eventsFor(kubectl().syncer(other, "second")))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Conflict"));
        awaitReady(src, "first", "True", "Synced");
        assertThat(kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion())
                .as("neither syncer rewrote the copy").isEqualTo(resourceVersion);
    }

    @Test
    void steadyStateMakesNoWrites() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, dev));
        awaitReady(src, "fanout", "True", "Synced");
        String copyVersion = kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion();
        String syncerVersion = kubectl().syncer(src, "fanout").getMetadata().getResourceVersion();

        // Unrelated events that each trigger a reconciliation: a namespace relabelled, the source re-labelled and back.
        kubectl().labelNamespace(dev, "unrelated", "yes");
        kubectl().createConfigMap(dev, "unrelated", "a=b");

        eventually().during(Duration.ofSeconds(2)).untilAsserted(() -> {
            assertThat(kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion()).isEqualTo(copyVersion);
            assertThat(kubectl().syncer(src, "fanout").getMetadata().getResourceVersion()).isEqualTo(syncerVersion);
        });
    }

    @Test
    void oneMebibyteConfigMapIsCopied() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        String big = "x".repeat(1024 * 1024 - 64);
        client.configMaps().inNamespace(src).resource(new ConfigMapBuilder().withNewMetadata().withName("big")
                .endMetadata().withData(Map.of("blob", big)).build()).create();
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: big\ntargetNamespaces: [%s]"
                .formatted(src, dev));

        awaitReady(src, "fanout", "True", "Synced");
        assertThat(kubectl().configMap(dev, "big").getData().get("blob")).hasSize(big.length());
    }

    @Test
    void serviceAccountTokenSecretIsRefusedWithAClearReason() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        client.secrets().inNamespace(src).resource(new SecretBuilder().withNewMetadata().withName("sa-token")
                .addToAnnotations("kubernetes.io/service-account.name", "default").endMetadata()
                .withType("kubernetes.io/service-account-token")
                .withData(Map.of("token", Base64.getEncoder().encodeToString("t0k3n".getBytes()))).build()).create();
        applySyncer(src, "tokens", "sourceNamespace: %s\nsourceSecret: sa-token\ntargetNamespaces: [%s]"
                .formatted(src, dev));

        var ready = awaitReady(src, "tokens", "False", "ServiceAccountTokenSecret");
        assertThat(ready.getMessage()).contains("service-account token").doesNotContain("t0k3n");
        assertThat(kubectl().secret(dev, "sa-token")).isNull();
    }

    @Test
    void secretSourceIsCopiedWithItsType() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        client.secrets().inNamespace(src).resource(new SecretBuilder().withNewMetadata().withName("tls")
                .endMetadata().withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5"))
                .build()).create();
        applySyncer(src, "secrets", "sourceNamespace: %s\nsourceSecret: tls\ntargetNamespaces: [%s]"
                .formatted(src, dev));

        awaitReady(src, "secrets", "True", "Synced");
        Secret copy = kubectl().secret(dev, "tls");
        assertThat(copy.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(copy.getData()).containsEntry("tls.crt", "Y2VydA==").containsEntry("tls.key", "a2V5");

        kubectl().mergePatch(Secret.class, src, "tls", "{\"data\":{\"tls.crt\":\"bmV3\"}}");
        eventually().untilAsserted(() -> assertThat(kubectl().secret(dev, "tls").getData())
                .containsEntry("tls.crt", "bmV3"));
    }

    @Test
    void keysSubsetCopiesOnlyListedKeysAndReportsMissingOnes() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "database.host=db", "database.port=5432", "secret.stuff=no");
        applySyncer(src, "subset", """
                sourceNamespace: %s
                sourceConfigMap: app-config
                targetNamespaces: [%s]
                keys: [database.host, database.port, not.there]
                """.formatted(src, dev));

        awaitReady(src, "subset", "True", "Synced");
        assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsOnlyKeys("database.host", "database.port");
        assertThat(kubectl().syncer(src, "subset").getStatus().getMissingKeys()).containsExactly("not.there");
    }

    @Test
    void unmanagedTargetIsLeftAloneUnderSkipAndTakenOverUnderOverwrite() {
        String src = unique("src"), dev = unique("dev");
        kubectl().createNamespace(src);
        kubectl().createNamespace(dev);
        kubectl().createConfigMap(src, "app-config", "k=from-source");
        kubectl().createConfigMap(dev, "app-config", "k=hand-made");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, dev));

        awaitReady(src, "fanout", "False", "Conflict");
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("k", "hand-made");
        assertThat(kubectl().syncer(src, "fanout").getStatus().getFailures()).singleElement()
                .satisfies(f -> {
                    assertThat(f.namespace()).isEqualTo(dev);
                    assertThat(f.reason()).isEqualTo("Conflict");
                });
        eventually().untilAsserted(() -> assertThat(kubectl().eventsFor(kubectl().syncer(src, "fanout")))
                .anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("Conflict");
                }));

        kubectl().mergePatch(ConfigMapSyncer.class, src, "fanout", "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");

        awaitReady(src, "fanout", "True", "Synced");
        ConfigMap copy = kubectl().configMap(dev, "app-config");
        assertThat(copy.getData()).containsEntry("k", "from-source");
        assertThat(copy.getMetadata().getAnnotations()).containsKey(TrackingMetadata.OWNER_ANNOTATION);

        kubectl().deleteSyncer(src, "fanout");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config"))
                .as("a taken-over copy is a managed copy and is cleaned up").isNull());
    }

    @Test
    void aCopyIsNeverUsedAsASource() {
        String src = unique("src"), middle = unique("middle"), last = unique("last");
        kubectl().createNamespace(src);
        kubectl().createNamespace(middle);
        kubectl().createNamespace(last);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "first", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, middle));
        eventually().until(() -> kubectl().configMap(middle, "app-config") != null);

        applySyncer(middle, "chained", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(middle, last));

        var ready = awaitReady(middle, "chained", "False", "SourceIsACopy");
        assertThat(ready.getMessage()).contains("configmapsyncer/" + src + "/first");
        assertThat(kubectl().configMap(last, "app-config")).isNull();
    }

    @Test
    void manyFailingNamespacesAreAllInStatusButSummarisedInTheMessageAndEvents() {
        String src = unique("src");
        kubectl().createNamespace(src);
        kubectl().createConfigMap(src, "app-config", "k=v");
        List<String> missing = IntStream.range(0, 15).mapToObj(i -> unique("missing" + i)).toList();
        applySyncer(src, "many", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s]"
                .formatted(src, String.join(", ", missing)));

        var ready = awaitReady(src, "many", "False", "SyncFailed");
        ConfigMapSyncer syncer = kubectl().syncer(src, "many");
        assertThat(syncer.getStatus().getFailedNamespaces()).hasSize(15);
        assertThat(ready.getMessage()).contains("and 5 more (status.failures)");
        eventually().untilAsserted(() -> assertThat(kubectl().eventsFor(syncer))
                .anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("5 more namespaces failed; see status.failures")));
        assertThat(kubectl().eventsFor(syncer)).hasSize(11);
    }

    @Test
    void refusedDeleteOfAnUnwantedCopyIsReportedAndTheRestStillSyncs() {
        String src = unique("src"), kept = unique("kept"), dropped = unique("dropped");
        kubectl().createNamespace(src);
        kubectl().createNamespace(kept);
        kubectl().createNamespace(dropped);
        kubectl().createConfigMap(src, "app-config", "k=v");
        applySyncer(src, "fanout", "sourceNamespace: %s\nsourceConfigMap: app-config\ntargetNamespaces: [%s, %s]"
                .formatted(src, kept, dropped));
        eventually().until(() -> kubectl().configMap(dropped, "app-config") != null);
        server.expect().delete().withPath("/api/v1/namespaces/" + dropped + "/configmaps/app-config")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("configmaps \"app-config\" is forbidden").build())
                .always();

        kubectl().editSyncer(src, "fanout", spec -> spec.setTargetNamespaces(List.of(kept)));

        awaitReady(src, "fanout", "False", "PartiallySynced");
        ConfigMapSyncerStatus status = kubectl().syncer(src, "fanout").getStatus();
        assertThat(status.getSyncedNamespaces()).containsExactly(kept);
        assertThat(status.getFailures()).singleElement().satisfies(f -> {
            assertThat(f.namespace()).isEqualTo(dropped);
            assertThat(f.reason()).isEqualTo("Forbidden");
            assertThat(f.message()).contains("could not delete the ConfigMap copy");
        });
    }
}
