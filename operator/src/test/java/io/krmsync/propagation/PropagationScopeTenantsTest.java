package io.krmsync.propagation;

import static io.krmsync.testing.Eventually.eventually;
import static io.krmsync.testing.Eventually.holdsFor;
import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.krmsync.testing.Tenants;
import io.krmsync.testing.TestClusters;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Who may push a ConfigMap into every provider cluster, on a shared cluster (only krm-sync-system and default trusted):
 * labelling it {@code example.io/propagate: "true"} is asking; it is propagated only from a trusted namespace or from
 * one a cluster administrator labelled {@code krm-sync.io/propagation=enabled}. Each test's own namespace is a
 * tenant's.
 */
@QuarkusTest
@TestProfile(Tenants.class)
class PropagationScopeTenantsTest extends OperatorTest {

    private static final String OPT_IN = "krm-sync.io/propagation";
    private static final String OUT_OF_SCOPE = "NamespaceOutOfScope";
    /** Well under the sweep interval of the tests (15 s): what is checked is event-driven. */
    private static final Duration AT_ONCE = Duration.ofSeconds(8);

    @Test
    void aLabelledConfigMapInATenantNamespaceIsNotPropagated() {
        // kubectl apply -f example-cm.yaml -n <tenant namespace>
        ConfigMap source = apply(Manifest.propagatedConfigMapSample().named("settings").inNamespace(namespace));

        holdsFor(Duration.ofSeconds(3), () -> assertNotInAnyProvider(namespace, "settings"));
        Event refused = awaitWarning(source, OUT_OF_SCOPE);
        assertThat(refused.getMessage())
                .contains("not propagated: namespace " + namespace + " is outside the propagation scope")
                .contains("`kubectl label namespace " + namespace + " krm-sync.io/propagation=enabled`");

        // Edited, it is reconciled again: still not propagated, and not reported again.
        kubectl().mergePatch(ConfigMap.class, namespace, "settings", "{\"data\": {\"hello\": \"again\"}}");
        holdsFor(Duration.ofSeconds(2), () -> {
            assertNotInAnyProvider(namespace, "settings");
            assertThat(warnings(source, OUT_OF_SCOPE)).hasSize(1);
        });
    }

    @Test
    void labellingTheNamespaceBringsItInScopeAndUnlabellingTakesTheCopiesBack() {
        ConfigMap source = apply(Manifest.propagatedConfigMapSample().named("settings").inNamespace(namespace));
        awaitWarning(source, OUT_OF_SCOPE);

        // kubectl label namespace <tenant namespace> krm-sync.io/propagation=enabled
        kubectl().labelNamespace(namespace, OPT_IN, "enabled");
        for (String provider : TestClusters.PROVIDERS) {
            awaitCopy(provider, namespace, "settings", AT_ONCE,
                    copy -> assertThat(copy.getData()).containsExactlyEntriesOf(Map.of("hello", "world")));
        }

        // kubectl label namespace <tenant namespace> krm-sync.io/propagation-
        kubectl().labelNamespace(namespace, OPT_IN, null);
        eventually(AT_ONCE).untilAsserted(() -> {
            for (String provider : TestClusters.PROVIDERS) {
                assertThat(kubectl(provider).configMap(namespace, "settings")).as("copy in %s", provider).isNull();
            }
        });
        assertThat(kubectl().configMap(namespace, "settings")).as("the source").isNotNull();
        eventually().untilAsserted(() -> assertThat(warnings(source, OUT_OF_SCOPE)).as("reported again").hasSize(2));
    }

    @Test
    void aNamespaceCreatedWithTheLabelIsInScopeAtOnce() {
        String optedIn = namespace("opted-in", OPT_IN + "=enabled");

        ConfigMap source = apply(Manifest.propagatedConfigMapSample().named("settings").inNamespace(optedIn));

        for (String provider : TestClusters.PROVIDERS) {
            awaitCopy(provider, optedIn, "settings", copy -> assertThat(copy.getData()).containsKey("hello"));
        }
        assertThat(warnings(source, OUT_OF_SCOPE)).isEmpty();
    }

    @Test
    void aTrustedNamespaceNeedsNoLabel() {
        String trusted = namespaceNamed(Tenants.TRUSTED);

        ConfigMap source = apply(Manifest.propagatedConfigMapSample().named("trusted-settings").inNamespace(trusted));

        for (String provider : TestClusters.PROVIDERS) {
            awaitCopy(provider, trusted, "trusted-settings", copy -> assertThat(copy.getData()).containsKey("hello"));
        }
        assertThat(warnings(source, OUT_OF_SCOPE)).isEmpty();
    }

    /** Neither the ConfigMap nor its namespace reached a provider. */
    private void assertNotInAnyProvider(String namespace, String name) {
        for (String provider : TestClusters.PROVIDERS) {
            assertThat(kubectl(provider).configMap(namespace, name)).as("copy in %s", provider).isNull();
            assertThat(kubectl(provider).hasNamespace(namespace)).as("namespace in %s", provider).isFalse();
        }
    }

    private List<Event> warnings(ConfigMap source, String reason) {
        return kubectl().eventsFor(source).stream()
                .filter(event -> "Warning".equals(event.getType()) && reason.equals(event.getReason())).toList();
    }
}
