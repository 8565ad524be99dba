package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Condition;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** Each bad spec gets Ready=False InvalidSpec naming the field, and no copy is written anywhere. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ConfigMapSyncerBadInputTest extends SyncerTestSupport {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing sourceNamespace       | sourceConfigMap: app-config\\ntargetNamespaces: [TARGET]                                                   | spec.sourceNamespace is required
            both sources                  | sourceNamespace: SRC\\nsourceConfigMap: app-config\\nsourceSecret: app-config\\ntargetNamespaces: [TARGET] | exactly one of spec.sourceConfigMap and spec.sourceSecret
            neither source                | sourceNamespace: SRC\\ntargetNamespaces: [TARGET]                                                          | exactly one of spec.sourceConfigMap and spec.sourceSecret
            neither targets nor selector  | sourceNamespace: SRC\\nsourceConfigMap: app-config                                                         | set spec.targetNamespaces, spec.namespaceSelector, or both
            source namespace as target    | sourceNamespace: SRC\\nsourceConfigMap: app-config\\ntargetNamespaces: [TARGET, SRC]                        | cannot be a target
            invalid namespace name        | sourceNamespace: SRC\\nsourceConfigMap: app-config\\ntargetNamespaces: [TARGET, Not_A_Namespace]           | "Not_A_Namespace" is not a valid namespace name
            invalid key                   | sourceNamespace: SRC\\nsourceConfigMap: app-config\\ntargetNamespaces: [TARGET]\\nkeys: ["bad key!"]       | spec.keys
            unknown conflict policy       | sourceNamespace: SRC\\nsourceConfigMap: app-config\\ntargetNamespaces: [TARGET]\\nconflictPolicy: Replace  | spec.conflictPolicy must be Skip or Overwrite
            invalid selector operator     | sourceNamespace: SRC\\nsourceConfigMap: app-config\\nnamespaceSelector: {matchExpressions: [{key: env, operator: Near}]} | spec.namespaceSelector
            """)
    void invalidSpecIsReportedAndNothingIsWritten(String description, String spec, String expectedMessage) {
        String src = unique("src"), target = unique("target");
        kubectl().createNamespace(src);
        kubectl().createNamespace(target, "env=prod");
        kubectl().createConfigMap(src, "app-config", "k=v");
        String name = unique("bad");

        applySyncer(src, name, spec.replace("\\n", "\n").replace("TARGET", target).replace("SRC", src));

        Condition ready = awaitReady(src, name, "False", "InvalidSpec");
        assertThat(ready.getMessage()).contains(expectedMessage);
        assertThat(kubectl().configMap(target, "app-config")).isNull();
        assertThat(kubectl().configMap(src, "app-config").getData()).containsEntry("k", "v");
        assertThat(kubectl().eventsFor(kubectl().syncer(src, name)))
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("InvalidSpec"));
    }
}
