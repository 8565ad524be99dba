package io.krmsync.configmapsyncer;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.Eventually.holdsFor;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What the ConfigMapSyncer does with copies, as README's table says: each test's syncer copies from the test's own
 * namespace into namespaces of its own.
 */
@QuarkusTest
class ConfigMapSyncerBehaviourTest extends OperatorTest {

    @Test
    void copyCarriesContentLabelsAnnotationsAndTrackingMarker() {
        String dev = namespace("dev");
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("app-config")
                .addToLabels("team", "payments")
                .addToAnnotations("owner", "alice")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{}")
                .endMetadata()
                .withData(Map.of("database.host", "db.example.com"))
                .withBinaryData(Map.of("logo.png", Base64.getEncoder().encodeToString(new byte[] { 1, 2, 3 })))
                .build()).create();

        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev));

        awaitReady(fanout, "Synced");
        ConfigMap copy = kubectl().configMap(dev, "app-config");
        assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("database.host", "db.example.com"));
        assertThat(copy.getBinaryData()).containsKey("logo.png");
        assertThat(copy.getMetadata().getLabels()).containsEntry("team", "payments")
                .containsEntry(TrackingMetadata.MANAGED_BY_LABEL, "configmapsyncer");
        assertThat(copy.getMetadata().getAnnotations()).containsEntry("owner", "alice")
                .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration")
                .containsEntry(TrackingMetadata.OWNER_ANNOTATION, "configmapsyncer/" + namespace + "/fanout")
                .containsEntry(TrackingMetadata.SOURCE_ANNOTATION, LOCAL + "/" + namespace + "/app-config");
        ConfigMapSyncerStatus status = latest(fanout).getStatus();
        assertThat(status.getSource()).isEqualTo("ConfigMap " + namespace + "/app-config");
        assertThat(status.getSummary()).isEqualTo("1/1");
        assertThat(status.getLastSyncTime()).isNotNull();
    }

    @Test
    void editedCopyIsRevertedAndDeletedCopyIsRecreated() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "key1=value1");
        apply(configMapSyncer("fanout", dev));
        eventually().until(() -> kubectl().configMap(dev, "app-config") != null);

        kubectl().mergePatch(ConfigMap.class, dev, "app-config", "{\"data\":{\"key1\":\"hacked\",\"extra\":\"x\"}}");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsExactlyEntriesOf(Map.of("key1", "value1")));

        kubectl().deleteConfigMap(dev, "app-config");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config")).isNotNull()
                .extracting(ConfigMap::getData).isEqualTo(Map.of("key1", "value1")));
    }

    @Test
    void namespaceDroppedFromSpecLosesItsCopy() {
        String a = namespace("a"), b = namespace("b");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", a, b));
        eventually().until(() -> kubectl().configMap(b, "app-config") != null);

        // kubectl edit: an update of the whole spec, so that the list is replaced, not merged.
        kubectl().edit(fanout, syncer -> syncer.getSpec().setTargetNamespaces(List.of(a)));

        eventually().untilAsserted(() -> assertThat(kubectl().configMap(b, "app-config")).isNull());
        assertThat(kubectl().configMap(a, "app-config")).isNotNull();
        eventually().untilAsserted(() -> assertThat(latest(fanout).getStatus().getSyncedNamespaces())
                .containsExactly(a));
    }

    @Test
    void namespaceSelectorFollowsNamespacesAsTheyAreCreatedAndRelabelled() {
        String env = namespace + "-env";
        kubectl().labelNamespace(namespace, env, "prod");
        String prod = namespace("prod", env + "=prod");
        String staging = namespace("staging", env + "=staging");
        String other = namespace("other");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer byLabel = apply(configMapSyncer("by-label").without("spec.targetNamespaces")
                .withYaml("spec.namespaceSelector", "matchExpressions: [{key: %s, operator: In, values: [prod, staging]}]"
                        .formatted(env)));

        eventually().untilAsserted(() -> {
            assertThat(kubectl().configMap(prod, "app-config")).isNotNull();
            assertThat(kubectl().configMap(staging, "app-config")).isNotNull();
        });
        assertThat(kubectl().configMap(other, "app-config")).isNull();
        assertThat(kubectl().configMap(namespace, "app-config").getMetadata().getLabels())
                .as("the source itself is never overwritten").doesNotContainKey(TrackingMetadata.MANAGED_BY_LABEL);

        String later = namespace("later", env + "=prod");
        eventually().until(() -> kubectl().configMap(later, "app-config") != null);

        kubectl().labelNamespace(staging, env, "retired");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(staging, "app-config")).isNull());
        // The copy goes before the status says so, and Ready was Synced already: wait for the status of the relabel.
        eventually().untilAsserted(() -> assertThat(latest(byLabel).getStatus().getSyncedNamespaces())
                .containsExactlyInAnyOrder(prod, later));
        awaitReady(byLabel, "Synced");
    }

    @Test
    void missingTargetNamespaceIsReportedAndSyncedWhenItAppears() {
        String missing = namespace + "-missing";
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", missing));

        awaitNotReady(fanout, "SyncFailed");
        ConfigMapSyncerStatus status = latest(fanout).getStatus();
        assertThat(status.getFailedNamespaces()).containsExactly(missing);
        assertThat(status.getFailures()).singleElement().extracting(NamespaceFailure::reason)
                .isEqualTo("NamespaceNotFound");

        namespace("missing");
        eventually().until(() -> kubectl().configMap(missing, "app-config") != null);
        awaitReady(fanout, "Synced");
        assertThat(latest(fanout).getStatus().getFailures()).isEmpty();
    }

    @Test
    void terminatingNamespaceIsSkippedQuietly() {
        String live = namespace("live"), leaving = namespace + "-leaving";
        local().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(leaving)
                .addToFinalizers("example.com/hold").endMetadata().build()).create();
        local().namespaces().withName(leaving).delete();
        kubectl().createConfigMap(namespace, "app-config", "k=v");

        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", live, leaving));

        awaitReady(fanout, "Synced");
        assertThat(kubectl().configMap(leaving, "app-config")).isNull();
        assertThat(latest(fanout).getStatus().getFailedNamespaces()).isEmpty();
        assertThat(latest(fanout).getStatus().getSummary()).isEqualTo("1/1");
    }

    @Test
    void deletingTheSyncerRemovesExactlyItsCopiesFoundByMarker() {
        String a = namespace("a"), b = namespace("b"), bystander = namespace("bystander");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        kubectl().createConfigMap(bystander, "app-config", "mine=yes");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", a, b));
        eventually().until(() -> kubectl().configMap(b, "app-config") != null);
        assertThat(latest(fanout).getMetadata().getFinalizers()).contains(ConfigMapSyncerReconciler.FINALIZER);

        kubectl().delete(fanout);

        eventually().untilAsserted(() -> {
            assertThat(kubectl().configMap(a, "app-config")).isNull();
            assertThat(kubectl().configMap(b, "app-config")).isNull();
            assertThat(latest(fanout)).isNull();
        });
        assertThat(kubectl().configMap(namespace, "app-config")).as("the source stays").isNotNull();
        assertThat(kubectl().configMap(bystander, "app-config").getData()).containsEntry("mine", "yes");
    }

    /**
     * A delete that reaches the API server while a reconciliation is writing its status (after the reconciliation read
     * the syncer, before its status write, which then lands on the syncer marked for deletion) still runs the finalizer
     * at once; it used to wait for the next periodic reconciliation, 10 minutes later (StatusRecorder.writeStatus says
     * why). Clients hit this window by chance: a few in a hundred deletions made right after a synced source change.
     * Here the API server puts the delete into it, before a status write that nothing else follows: the one after a
     * spec change that writes no copy (after a source change, the watch events of the copies written sometimes trigger
     * another reconciliation, which hides the bug).
     */
    @Test
    void syncerDeletedWhileItsStatusIsBeingWrittenFinishesDeleting() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev));
        awaitReady(fanout, "Synced");
        String path = "/apis/config.example.com/v1alpha1/namespaces/" + namespace + "/configmapsyncers/fanout";
        clusters.apiServer(LOCAL).deleteJustBefore(HttpMethod.PATCH, path + "/status", path);

        kubectl().patch(fanout, "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");

        eventually(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(latest(fanout)).as("the syncer, deleted while its status was being written").isNull();
            assertThat(kubectl().configMap(dev, "app-config")).as("its copy").isNull();
        });
    }

    /** The same race with a spec change instead of a delete: it is synced at once too, not 10 minutes later. */
    @Test
    void specChangedWhileTheStatusIsBeingWrittenIsSynced() {
        String a = namespace("a"), b = namespace("b");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", a));
        awaitReady(fanout, "Synced");
        String path = "/apis/config.example.com/v1alpha1/namespaces/" + namespace + "/configmapsyncers/fanout";
        clusters.apiServer(LOCAL).mergePatchJustBefore(HttpMethod.PATCH, path + "/status", path,
                "{\"spec\":{\"targetNamespaces\":[\"%s\",\"%s\"]}}".formatted(a, b));

        kubectl().patch(fanout, "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");

        awaitCopy(LOCAL, b, "app-config", Duration.ofSeconds(10), copy -> assertThat(copy.getData())
                .containsEntry("k", "v"));
        awaitReady(fanout, "Synced");
    }

    @Test
    void deletedSourceKeepsCopiesAndSyncResumesWhenItReturns() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "k=v1");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev));
        awaitReady(fanout, "Synced");

        kubectl().deleteConfigMap(namespace, "app-config");
        awaitNotReady(fanout, "SourceNotFound");
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("k", "v1");

        kubectl().createConfigMap(namespace, "app-config", "k=v2");
        awaitReady(fanout, "Synced");
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsEntry("k", "v2"));
    }

    @Test
    void immutableCopyIsRecreatedWhenItsContentMustChange() {
        String dev = namespace("dev");
        createImmutableConfigMap("frozen", "1");
        apply(configMapSyncer("fanout", dev).with("spec.sourceConfigMap", "frozen"));
        eventually().until(() -> kubectl().configMap(dev, "frozen") != null);
        String firstUid = kubectl().configMap(dev, "frozen").getMetadata().getUid();
        assertThat(kubectl().configMap(dev, "frozen").getImmutable()).isTrue();

        // An immutable source is changed the only way Kubernetes allows: delete and create again.
        kubectl().deleteConfigMap(namespace, "frozen");
        createImmutableConfigMap("frozen", "2");

        eventually().untilAsserted(() -> {
            ConfigMap copy = kubectl().configMap(dev, "frozen");
            assertThat(copy).isNotNull();
            assertThat(copy.getData()).containsEntry("v", "2");
            assertThat(copy.getMetadata().getUid()).isNotEqualTo(firstUid);
        });
    }

    private void createImmutableConfigMap(String name, String version) {
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().withImmutable(true).withData(Map.of("v", version)).build()).create();
    }

    @Test
    void secondSyncerTargetingTheSameCopyReportsAConflictInsteadOfFighting() {
        String other = namespace("other"), dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "from=first");
        kubectl().createConfigMap(other, "app-config", "from=second");
        ConfigMapSyncer first = apply(configMapSyncer("first", dev));
        awaitReady(first, "Synced");

        ConfigMapSyncer second = apply(configMapSyncer("second", dev).inNamespace(other)
                .with("spec.sourceNamespace", other).with("spec.conflictPolicy", "Overwrite"));

        awaitNotReady(second, "Conflict");
        assertThat(latest(second).getStatus().getFailures()).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("another krm-sync owner"));
        String resourceVersion = kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion();
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("from", "first");
        assertThat(kubectl().eventsFor(second)).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Conflict"));
        awaitReady(first, "Synced");
        assertThat(kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion())
                .as("neither syncer rewrote the copy").isEqualTo(resourceVersion);
    }

    @Test
    void steadyStateMakesNoWrites() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev));
        awaitReady(fanout, "Synced");
        String copyVersion = kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion();
        String syncerVersion = latest(fanout).getMetadata().getResourceVersion();

        // Unrelated events that each trigger a reconciliation: a namespace relabelled, a ConfigMap created beside the copy.
        kubectl().labelNamespace(dev, "unrelated", "yes");
        kubectl().createConfigMap(dev, "unrelated", "a=b");

        holdsFor(Duration.ofSeconds(2), () -> {
            assertThat(kubectl().configMap(dev, "app-config").getMetadata().getResourceVersion()).isEqualTo(copyVersion);
            assertThat(latest(fanout).getMetadata().getResourceVersion()).isEqualTo(syncerVersion);
        });
    }

    @Test
    void oneMebibyteConfigMapIsCopied() {
        String dev = namespace("dev");
        String big = "x".repeat(1024 * 1024 - 64);
        local().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName("big")
                .endMetadata().withData(Map.of("blob", big)).build()).create();
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev).with("spec.sourceConfigMap", "big"));

        awaitReady(fanout, "Synced");
        assertThat(kubectl().configMap(dev, "big").getData().get("blob")).hasSize(big.length());
    }

    @Test
    void serviceAccountTokenSecretIsRefusedWithAClearReason() {
        String dev = namespace("dev");
        local().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("sa-token")
                .addToAnnotations("kubernetes.io/service-account.name", "default").endMetadata()
                .withType("kubernetes.io/service-account-token")
                .withData(Map.of("token", Base64.getEncoder().encodeToString("t0k3n".getBytes()))).build()).create();
        ConfigMapSyncer tokens = apply(secretSyncer("tokens", "sa-token", dev));

        Condition ready = awaitNotReady(tokens, "ServiceAccountTokenSecret");
        assertThat(ready).hasMessageContaining("service-account token").hasMessageNotContaining(List.of("t0k3n"));
        assertThat(kubectl().secret(dev, "sa-token")).isNull();
    }

    @Test
    void secretSourceIsCopiedWithItsType() {
        String dev = namespace("dev");
        local().secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("tls")
                .endMetadata().withType("kubernetes.io/tls")
                .withData(Map.of("tls.crt", "Y2VydA==", "tls.key", "a2V5"))
                .build()).create();
        ConfigMapSyncer secrets = apply(secretSyncer("secrets", "tls", dev));

        awaitReady(secrets, "Synced");
        Secret copy = kubectl().secret(dev, "tls");
        assertThat(copy.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(copy.getData()).containsEntry("tls.crt", "Y2VydA==").containsEntry("tls.key", "a2V5");

        kubectl().mergePatch(Secret.class, namespace, "tls", "{\"data\":{\"tls.crt\":\"bmV3\"}}");
        eventually().untilAsserted(() -> assertThat(kubectl().secret(dev, "tls").getData())
                .containsEntry("tls.crt", "bmV3"));
    }

    /** The sample ConfigMapSyncer with a Secret for its source. */
    private Manifest<ConfigMapSyncer> secretSyncer(String name, String secret, String... targets) {
        return configMapSyncer(name, targets).without("spec.sourceConfigMap").with("spec.sourceSecret", secret);
    }

    @Test
    void keysSubsetCopiesOnlyListedKeysAndReportsMissingOnes() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "database.host=db", "database.port=5432", "secret.stuff=no");
        ConfigMapSyncer subset = apply(configMapSyncer("subset", dev)
                .with("spec.keys", List.of("database.host", "database.port", "not.there")));

        awaitReady(subset, "Synced");
        assertThat(kubectl().configMap(dev, "app-config").getData())
                .containsOnlyKeys("database.host", "database.port");
        assertThat(latest(subset).getStatus().getMissingKeys()).containsExactly("not.there");
    }

    @Test
    void unmanagedTargetIsLeftAloneUnderSkipAndTakenOverUnderOverwrite() {
        String dev = namespace("dev");
        kubectl().createConfigMap(namespace, "app-config", "k=from-source");
        kubectl().createConfigMap(dev, "app-config", "k=hand-made");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", dev));

        awaitNotReady(fanout, "Conflict");
        assertThat(kubectl().configMap(dev, "app-config").getData()).containsEntry("k", "hand-made");
        assertThat(latest(fanout).getStatus().getFailures()).singleElement()
                .satisfies(f -> {
                    assertThat(f.namespace()).isEqualTo(dev);
                    assertThat(f.reason()).isEqualTo("Conflict");
                });
        eventually().untilAsserted(() -> assertThat(kubectl().eventsFor(fanout))
                .anySatisfy(e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("Conflict");
                }));

        kubectl().patch(fanout, "{\"spec\":{\"conflictPolicy\":\"Overwrite\"}}");

        awaitReady(fanout, "Synced");
        ConfigMap copy = kubectl().configMap(dev, "app-config");
        assertThat(copy.getData()).containsEntry("k", "from-source");
        assertThat(copy.getMetadata().getAnnotations()).containsKey(TrackingMetadata.OWNER_ANNOTATION);

        kubectl().delete(fanout);
        eventually().untilAsserted(() -> assertThat(kubectl().configMap(dev, "app-config"))
                .as("a taken-over copy is a managed copy and is cleaned up").isNull());
    }

    @Test
    void aCopyIsNeverUsedAsASource() {
        String middle = namespace("middle"), last = namespace("last");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        apply(configMapSyncer("first", middle));
        eventually().until(() -> kubectl().configMap(middle, "app-config") != null);

        ConfigMapSyncer chained = apply(configMapSyncer("chained", last).inNamespace(middle)
                .with("spec.sourceNamespace", middle));

        Condition ready = awaitNotReady(chained, "SourceIsACopy");
        assertThat(ready).hasMessageContaining("configmapsyncer/" + namespace + "/first");
        assertThat(kubectl().configMap(last, "app-config")).isNull();
    }

    @Test
    void manyFailingNamespacesAreAllInStatusButSummarisedInTheMessageAndEvents() {
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        String[] missing = IntStream.range(0, 15).mapToObj(i -> namespace + "-missing" + i).toArray(String[]::new);
        ConfigMapSyncer many = apply(configMapSyncer("many", missing));

        Condition ready = awaitNotReady(many, "SyncFailed");
        assertThat(latest(many).getStatus().getFailedNamespaces()).hasSize(15);
        assertThat(ready).hasMessageContaining("and 5 more (status.failures)");
        eventually().untilAsserted(() -> assertThat(kubectl().eventsFor(many))
                .anySatisfy(e -> assertThat(e.getMessage()).isEqualTo("5 more namespaces failed; see status.failures")));
        assertThat(kubectl().eventsFor(many)).hasSize(11);
    }

    @Test
    void refusedDeleteOfAnUnwantedCopyIsReportedAndTheRestStillSyncs() {
        String kept = namespace("kept"), dropped = namespace("dropped");
        kubectl().createConfigMap(namespace, "app-config", "k=v");
        ConfigMapSyncer fanout = apply(configMapSyncer("fanout", kept, dropped));
        eventually().until(() -> kubectl().configMap(dropped, "app-config") != null);
        clusters.apiServer(LOCAL).expect().delete().withPath("/api/v1/namespaces/" + dropped + "/configmaps/app-config")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("configmaps \"app-config\" is forbidden").build())
                .always();

        kubectl().edit(fanout, syncer -> syncer.getSpec().setTargetNamespaces(List.of(kept)));

        awaitNotReady(fanout, "PartiallySynced");
        ConfigMapSyncerStatus status = latest(fanout).getStatus();
        assertThat(status.getSyncedNamespaces()).containsExactly(kept);
        assertThat(status.getFailures()).singleElement().satisfies(f -> {
            assertThat(f.namespace()).isEqualTo(dropped);
            assertThat(f.reason()).isEqualTo("Forbidden");
            assertThat(f.message()).contains("could not delete the ConfigMap copy");
        });
    }
}
