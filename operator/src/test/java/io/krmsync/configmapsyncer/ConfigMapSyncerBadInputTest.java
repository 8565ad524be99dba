package io.krmsync.configmapsyncer;

import static io.krmsync.testing.KrmSyncAssertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Condition;
import io.krmsync.testing.Manifest;
import io.krmsync.testing.OperatorTest;
import io.quarkus.test.junit.QuarkusTest;

/** Each bad spec gets Ready=False InvalidSpec naming the field, and no copy is written anywhere. */
@QuarkusTest
class ConfigMapSyncerBadInputTest extends OperatorTest {

    /** What makes a valid ConfigMapSyncer, copying from the source namespace to the target, invalid. */
    @FunctionalInterface
    private interface Mistake {
        Manifest<ConfigMapSyncer> make(Manifest<ConfigMapSyncer> valid, String source, String target);
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                invalid("missing sourceNamespace", (m, source, target) -> m.without("spec.sourceNamespace"),
                        "spec.sourceNamespace is required"),
                invalid("both sources", (m, source, target) -> m.with("spec.sourceSecret", "app-config"),
                        "exactly one of spec.sourceConfigMap and spec.sourceSecret"),
                invalid("neither source", (m, source, target) -> m.without("spec.sourceConfigMap"),
                        "exactly one of spec.sourceConfigMap and spec.sourceSecret"),
                invalid("neither targets nor selector", (m, source, target) -> m.without("spec.targetNamespaces"),
                        "set spec.targetNamespaces, spec.namespaceSelector, or both"),
                invalid("source namespace as target",
                        (m, source, target) -> m.with("spec.targetNamespaces", List.of(target, source)),
                        "cannot be a target"),
                invalid("invalid namespace name",
                        (m, source, target) -> m.with("spec.targetNamespaces", List.of(target, "Not_A_Namespace")),
                        "\"Not_A_Namespace\" is not a valid namespace name"),
                invalid("invalid key", (m, source, target) -> m.with("spec.keys", List.of("bad key!")), "spec.keys"),
                invalid("unknown conflict policy", (m, source, target) -> m.with("spec.conflictPolicy", "Replace"),
                        "spec.conflictPolicy must be Skip or Overwrite"),
                invalid("serviceAccountName that names no ServiceAccount",
                        (m, source, target) -> m.with("spec.serviceAccountName", "kube-system:admin"),
                        "spec.serviceAccountName \"kube-system:admin\" is not a valid ServiceAccount name"),
                invalid("invalid selector operator", (m, source, target) -> m.without("spec.targetNamespaces")
                        .withYaml("spec.namespaceSelector", "matchExpressions: [{key: env, operator: Near}]"),
                        "spec.namespaceSelector"));
    }

    private static Arguments invalid(String description, Mistake mistake, String expectedMessage) {
        return Arguments.of(description, mistake, expectedMessage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void invalidSpecIsReportedAndNothingIsWritten(String description, Mistake mistake, String expectedMessage) {
        String target = namespace("target", "env=prod");
        kubectl().createConfigMap(namespace, "app-config", "k=v");

        ConfigMapSyncer syncer = apply(mistake.make(configMapSyncer("bad", target), namespace, target));

        Condition ready = awaitNotReady(syncer, "InvalidSpec");
        assertThat(ready).hasMessageContaining(expectedMessage);
        assertThat(kubectl().configMap(target, "app-config")).isNull();
        assertThat(kubectl().configMap(namespace, "app-config").getData()).containsEntry("k", "v");
        assertThat(kubectl().eventsFor(syncer)).anySatisfy(e -> assertThat(e.getReason()).isEqualTo("InvalidSpec"));
    }
}
