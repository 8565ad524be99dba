package io.krmsync.configmapsyncer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krmsync.sync.ConflictPolicy;
import io.krmsync.testing.Manifest;

class SpecValidatorTest {

    /** The ConfigMapSyncer of the tutorial's integration test, as a user applies it. */
    private static ConfigMapSyncerSpec tutorialSpec() {
        return Manifest.integrationTestSyncer().object().getSpec();
    }

    @Test
    void tutorialSpecIsValid() {
        assertThat(SpecValidator.problems(tutorialSpec())).isEmpty();
    }

    @Test
    void specWithSecretSelectorAndAllOptionsIsValid() {
        ConfigMapSyncerSpec spec = new ConfigMapSyncerSpec();
        spec.setSourceNamespace("default");
        spec.setSourceSecret("db-credentials");
        spec.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod"))
                .addNewMatchExpression().withKey("team").withOperator("Exists").endMatchExpression().build());
        spec.setKeys(List.of("username", "password", "tls.crt", "config_file-1"));
        spec.setConflictPolicy(ConflictPolicy.Overwrite);

        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    @Test
    void missingSpecIsAProblem() {
        assertThat(SpecValidator.problems(null)).containsExactly("spec is required");
    }

    @Test
    void missingSourceNamespaceIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceNamespace(null);

        assertThat(SpecValidator.problems(spec)).containsExactly("spec.sourceNamespace is required");
    }

    @Test
    void blankSourceNamespaceIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceNamespace("  ");

        assertThat(SpecValidator.problems(spec)).containsExactly("spec.sourceNamespace is required");
    }

    @Test
    void invalidSourceNamespaceIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceNamespace("Default");

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.sourceNamespace").contains("\"Default\"");
    }

    @Test
    void bothSourceConfigMapAndSourceSecretIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceSecret("test-secret");

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.sourceConfigMap").contains("spec.sourceSecret").contains("exactly one");
    }

    @Test
    void neitherSourceConfigMapNorSourceSecretIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceConfigMap(null);

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.sourceConfigMap").contains("spec.sourceSecret").contains("exactly one");
    }

    @Test
    void invalidSourceObjectNameIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceConfigMap("Test_Config");

        assertThat(SpecValidator.problems(spec)).singleElement().asString().contains("\"Test_Config\"");
    }

    @Test
    void dottedSourceObjectNameIsValid() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setSourceConfigMap("kube-root-ca.crt");

        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    @Test
    void neitherTargetNamespacesNorNamespaceSelectorIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(new ArrayList<>());

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.targetNamespaces").contains("spec.namespaceSelector");
    }

    @Test
    void nullTargetNamespacesWithoutSelectorIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(null);

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.targetNamespaces").contains("spec.namespaceSelector");
    }

    @Test
    void namespaceSelectorAloneIsEnough() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(null);
        spec.setNamespaceSelector(new LabelSelectorBuilder().withMatchLabels(Map.of("env", "prod")).build());

        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    @Test
    void sourceNamespaceAmongTargetsIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(List.of("dev", "default"));

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.targetNamespaces").contains("\"default\"").contains("source namespace");
    }

    @Test
    void upperCaseTargetNamespaceIsAProblem() {
        assertInvalidTarget("Dev");
    }

    @Test
    void underscoreInTargetNamespaceIsAProblem() {
        assertInvalidTarget("a_b");
    }

    @Test
    void targetNamespaceLongerThan63CharactersIsAProblem() {
        assertInvalidTarget("a".repeat(64));
    }

    @Test
    void targetNamespaceOf63CharactersIsValid() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(List.of("a".repeat(63)));

        assertThat(SpecValidator.problems(spec)).isEmpty();
    }

    @Test
    void targetNamespaceWithADotIsAProblem() {
        assertInvalidTarget("dev.eu");
    }

    @Test
    void targetNamespaceStartingWithAHyphenIsAProblem() {
        assertInvalidTarget("-dev");
    }

    @Test
    void nullTargetNamespaceIsAProblem() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(Arrays.asList("dev", null));

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.targetNamespaces").contains("not a valid namespace name");
    }

    private static void assertInvalidTarget(String namespace) {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setTargetNamespaces(List.of("dev", namespace));

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.targetNamespaces").contains("\"" + namespace + "\"")
                .contains("not a valid namespace name");
    }

    @Test
    void invalidKeysAreProblems() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setKeys(List.of("good.key", "bad key", "bad/key", "", "k".repeat(254)));

        List<String> problems = SpecValidator.problems(spec);

        assertThat(problems).hasSize(4).allSatisfy(problem -> assertThat(problem).startsWith("spec.keys:"));
        assertThat(problems).anySatisfy(problem -> assertThat(problem).contains("\"bad key\""))
                .anySatisfy(problem -> assertThat(problem).contains("\"bad/key\""))
                .anySatisfy(problem -> assertThat(problem).contains("\"\""));
    }

    @Test
    void unknownConflictPolicyIsAProblemNotADeserialisationFailure() {
        // What an API server without the CRD's enum check (an older CRD, the in-memory server) hands the informer.
        ConfigMapSyncerSpec spec = new KubernetesSerialization().unmarshal("""
                sourceNamespace: default
                sourceConfigMap: app-config
                targetNamespaces: [dev]
                conflictPolicy: Replace
                """, ConfigMapSyncerSpec.class);

        assertThat(spec.getConflictPolicy()).isEqualTo(ConflictPolicy.Unrecognized);
        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .contains("spec.conflictPolicy").contains("Skip").contains("Overwrite");
    }

    @Test
    void fieldsOfANewerVersionAreAProblemNotADeserialisationFailureAndSurviveACopy() {
        KubernetesSerialization serialization = new KubernetesSerialization();
        ConfigMapSyncerSpec spec = serialization.unmarshal("""
                sourceNamespace: default
                sourceConfigMap: app-config
                targetNamespaces: [dev]
                dryRun: true
                transforms: [{set: x}]
                """, ConfigMapSyncerSpec.class);

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .startsWith("spec.dryRun, spec.transforms are not fields this version of krm-sync knows");
        // The operator SDK hands reconcilers a serialised copy of the informer's object.
        assertThat(SpecValidator.problems(serialization.clone(spec))).hasSize(1);
    }

    @Test
    void conflictPolicyIsCaseSensitive() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setConflictPolicy(ConflictPolicy.fromSpec("overwrite"));

        assertThat(SpecValidator.problems(spec)).singleElement().asString().contains("spec.conflictPolicy");
    }

    @Test
    void conflictPolicyDefaultsToSkip() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        assertThat(SpecValidator.conflictPolicy(spec)).isEqualTo(ConflictPolicy.Skip);

        spec.setConflictPolicy(null);
        assertThat(SpecValidator.problems(spec)).isEmpty();
        assertThat(SpecValidator.conflictPolicy(spec)).isEqualTo(ConflictPolicy.Skip);

        spec.setConflictPolicy(ConflictPolicy.Overwrite);
        assertThat(SpecValidator.conflictPolicy(spec)).isEqualTo(ConflictPolicy.Overwrite);
    }

    @Test
    void invalidSelectorOperatorIsAProblemNamingTheField() {
        ConfigMapSyncerSpec spec = tutorialSpec();
        spec.setNamespaceSelector(new LabelSelectorBuilder().addNewMatchExpression().withKey("env")
                .withOperator("Equals").withValues("prod").endMatchExpression().build());

        assertThat(SpecValidator.problems(spec)).singleElement().asString()
                .startsWith("spec.namespaceSelector.matchExpressions[env]").contains("operator");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigMapSyncerSpec spec = new ConfigMapSyncerSpec();
        spec.setTargetNamespaces(List.of("Dev"));
        spec.setKeys(List.of("bad key"));
        spec.setConflictPolicy(ConflictPolicy.fromSpec("Replace"));

        assertThat(SpecValidator.problems(spec)).hasSize(5);
    }
}
