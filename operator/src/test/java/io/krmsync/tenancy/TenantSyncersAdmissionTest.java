package io.krmsync.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.krmsync.configmapsyncer.ConfigMapSyncer;
import io.krmsync.krmsyncer.KRMSyncer;
import io.krmsync.tenancy.ShippedAdmissionPolicies.Verdict;
import io.krmsync.testing.Manifest;

/**
 * {@code kubectl apply} of syncers on a cluster with {@code kubernetes/admission/} installed, as it ships (only
 * krm-sync-system trusted): a tenant's ConfigMapSyncer that asks for what the operator would never do is refused with a
 * message saying what to do; a syncer that needs others' consent gets a warning naming the annotation to ask for;
 * syncers in trusted namespaces pass untouched. The expressions are evaluated with CEL as the API server would ({@link ShippedAdmissionPolicies}).
 */
class TenantSyncersAdmissionTest {

    private static final String TENANT = "team-a";

    private final ShippedAdmissionPolicies admission = ShippedAdmissionPolicies.shipped();

    /** The ConfigMapSyncer sample, moved into the tenant's namespace: copies team-a/app-config to team-a only. */
    private static Manifest<ConfigMapSyncer> tenantConfigMapSyncer() {
        return Manifest.configMapSyncerSample().inNamespace(TENANT).with("spec.sourceNamespace", TENANT)
                .with("spec.targetNamespaces", List.of(TENANT));
    }

    /** The KRMSyncer sample, moved into the tenant's namespace, its rule without namespaces (= team-a). */
    private static Manifest<KRMSyncer> tenantKrmSyncer() {
        return Manifest.krmSyncerSample().inNamespace(TENANT).without("spec.rules[0].namespaces");
    }

    @Test
    void aTenantsSyncerWithinItsOwnNamespaceIsAdmittedSilently() {
        assertThat(admission.create(tenantConfigMapSyncer().with("spec.conflictPolicy", "Overwrite")))
                .isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.create(tenantKrmSyncer().with("spec.conflictPolicy", "Overwrite")
                .with("spec.destination.namespace", TENANT))).isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.create(tenantKrmSyncer().with("spec.rules[0].namespaces", List.of(TENANT))))
                .isEqualTo(new Verdict(List.of(), List.of()));
    }

    @Test
    void syncersInTrustedNamespacesAreNeverRefusedNorWarned() {
        Manifest<ConfigMapSyncer> everywhere = Manifest.configMapSyncerSample().inNamespace("krm-sync-system")
                .with("spec.sourceNamespace", "kube-system").with("spec.conflictPolicy", "Overwrite")
                .with("spec.namespaceSelector", Map.of());
        Manifest<KRMSyncer> passive = Manifest.krmSyncerSample().inNamespace("krm-sync-system")
                .with("spec.conflictPolicy", "Overwrite");

        assertThat(admission.create(everywhere)).isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.create(passive)).isEqualTo(new Verdict(List.of(), List.of()));
    }

    @Test
    void overwriteOutsideItsOwnNamespaceIsRefusedWithWhatToDo() {
        Verdict named = admission.create(tenantConfigMapSyncer().with("spec.conflictPolicy", "Overwrite")
                .with("spec.targetNamespaces", List.of(TENANT, "team-b")));
        Verdict selected = admission.create(tenantConfigMapSyncer().with("spec.conflictPolicy", "Overwrite")
                .without("spec.targetNamespaces").with("spec.namespaceSelector", Map.of("matchLabels",
                        Map.of("team", "a"))));

        for (Verdict verdict : List.of(named, selected)) {
            assertThat(verdict.denials()).singleElement().asString()
                    .startsWith("conflictPolicy: Overwrite takes over objects that krm-sync did not create, and a "
                            + "ConfigMapSyncer in team-a (not a trusted namespace) may do so only in team-a.")
                    .contains("Set conflictPolicy: Skip, or target only team-a",
                            "the ConfigMap krm-sync-system/krm-sync-tenancy lists them");
        }
        assertThat(admission.create(tenantConfigMapSyncer().with("spec.conflictPolicy", "Skip")
                .with("spec.targetNamespaces", List.of("team-b"))).denials()).isEmpty();
    }

    /** A KRMSyncer writes with its destination kubeconfig's credentials: what it does there is theirs to refuse. */
    @Test
    void aKrmSyncersOverwriteAtItsDestinationIsNotRefused() {
        Manifest<KRMSyncer> gathered = tenantKrmSyncer().with("spec.conflictPolicy", "Overwrite")
                .with("spec.destination.namespace", "team-b");
        Verdict passiveSample = admission.create(Manifest.sample("test-syncer-passive.yaml", KRMSyncer.class)
                .inNamespace(TENANT));

        assertThat(admission.create(gathered)).isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(passiveSample.denials()).isEmpty();
        assertThat(passiveSample.warnings()).singleElement().asString()
                .startsWith("spec.rules name namespaces other than team-a");
    }

    @Test
    void aSelectorOfEveryNamespaceIsWarnedAboutNotRefused() {
        for (Object everyNamespace : List.of(Map.of(), Map.of("matchLabels", Map.of()),
                Map.of("matchLabels", Map.of(), "matchExpressions", List.of()))) {
            Verdict verdict = admission.create(tenantConfigMapSyncer().without("spec.targetNamespaces")
                    .with("spec.namespaceSelector", everyNamespace));

            assertThat(verdict.denials()).as("namespaceSelector %s", everyNamespace).isEmpty();
            assertThat(verdict.warnings()).as("namespaceSelector %s", everyNamespace).singleElement().asString()
                    .contains("a namespaceSelector, even {}, selects only the namespaces that are",
                            "krm-sync.io/accept-from=team-a");
        }
    }

    @Test
    void aSourceInAnotherNamespaceIsWarnedAboutWithTheAnnotationToAsk() {
        Verdict verdict = admission.create(tenantConfigMapSyncer().with("spec.sourceNamespace", "kube-system")
                .without("spec.sourceConfigMap").with("spec.sourceSecret", "cloud-credentials"));

        assertThat(verdict.denials()).isEmpty();
        assertThat(verdict.warnings()).singleElement().asString()
                .contains("the source is in namespace kube-system", "reason SourceNotShared",
                        "kubectl -n kube-system annotate secret cloud-credentials krm-sync.io/share-with=team-a");
    }

    @Test
    void targetsInOtherNamespacesAreWarnedAboutWithTheAnnotationToAsk() {
        Verdict named = admission.create(tenantConfigMapSyncer().with("spec.targetNamespaces", List.of("team-b")));
        Verdict selected = admission.create(tenantConfigMapSyncer().without("spec.targetNamespaces")
                .with("spec.namespaceSelector", Map.of("matchLabels", Map.of("team", "b"))));

        for (Verdict verdict : List.of(named, selected)) {
            assertThat(verdict.denials()).isEmpty();
            assertThat(verdict.warnings()).singleElement().asString()
                    .contains("reach beyond team-a", "reason TargetNamespaceNotAccepting",
                            "kubectl annotate namespace NAME krm-sync.io/accept-from=team-a");
        }
    }

    @Test
    void krmSyncerRulesNamingOtherNamespacesAreWarnedAbout() {
        Verdict sample = admission.create(Manifest.krmSyncerSample().inNamespace(TENANT));

        assertThat(sample.denials()).isEmpty();
        assertThat(sample.warnings()).singleElement().asString()
                .startsWith("spec.rules name namespaces other than team-a")
                .contains("krm-sync.io/share-with: team-a", "A rule without namespaces syncs team-a.");
    }

    @Test
    void anUpdateIsJudgedOnlyWhenItChangesTheSpec() {
        Manifest<ConfigMapSyncer> stored = tenantConfigMapSyncer().with("spec.conflictPolicy", "Overwrite")
                .with("spec.targetNamespaces", List.of("team-b"));

        assertThat(admission.update(stored, stored.with("metadata.finalizers",
                List.of("configmapsyncer.config.example.com/finalizer"))))
                .as("the operator adding its finalizer to a syncer made before the policy")
                .isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.update(tenantConfigMapSyncer(), stored).denials()).hasSize(1);
    }

    @Test
    void theTrustedNamespacesAreTheConfigMapsList() {
        Manifest<ConfigMapSyncer> overwriteEverywhere = tenantConfigMapSyncer().with("spec.conflictPolicy", "Overwrite")
                .without("spec.targetNamespaces").with("spec.namespaceSelector", Map.of());

        assertThat(admission.trusting("krm-sync-system, team-a").create(overwriteEverywhere))
                .isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.trusting("*").create(overwriteEverywhere)).isEqualTo(new Verdict(List.of(), List.of()));
        assertThat(admission.trusting("krm-sync-system,team-ab").create(overwriteEverywhere).denials()).hasSize(1);
        assertThat(admission.withoutTrustedNamespaces().create(overwriteEverywhere).denials())
                .as("without the key, only the ConfigMap's own namespace is trusted").hasSize(1);
        assertThat(admission.withoutTrustedNamespaces().create(overwriteEverywhere.inNamespace("krm-sync-system")))
                .isEqualTo(new Verdict(List.of(), List.of()));
    }

    @Test
    void withoutItsConfigMapEverySyncerWriteIsRefused() {
        Verdict verdict = admission.withoutParams().create(tenantConfigMapSyncer());

        assertThat(verdict.denials()).containsExactly(ShippedAdmissionPolicies.NO_PARAMS);
        assertThat(verdict.warnings()).isEmpty();
    }

    @Test
    void everyPolicyIsBoundToTheShippedConfigMapAndMatchesOnlySyncers() {
        ConfigMap params = (ConfigMap) ShippedAdmissionPolicies.read(ShippedAdmissionPolicies.PARAMS).getFirst();
        assertThat(params.getMetadata().getNamespace()).isEqualTo("krm-sync-system");
        assertThat(params.getData()).containsEntry(ShippedAdmissionPolicies.TRUSTED_NAMESPACES_KEY, "krm-sync-system");

        assertThat(admission.bindings()).extracting(binding -> binding.getSpec().getPolicyName())
                .containsExactlyInAnyOrderElementsOf(admission.policies().stream()
                        .map(policy -> policy.getMetadata().getName()).toList());
        assertThat(admission.bindings()).allSatisfy(binding -> {
            assertThat(binding.getSpec().getParamRef().getName()).isEqualTo(params.getMetadata().getName());
            assertThat(binding.getSpec().getParamRef().getNamespace()).isEqualTo("krm-sync-system");
            assertThat(binding.getSpec().getValidationActions()).containsExactly(
                    binding.getSpec().getPolicyName().endsWith("-consent") ? "Warn" : "Deny");
        });
        assertThat(admission.policies()).allSatisfy(policy -> {
            assertThat(policy.getSpec().getParamKind().getKind()).isEqualTo("ConfigMap");
            assertThat(policy.getSpec().getMatchConstraints().getResourceRules()).allSatisfy(rule -> {
                assertThat(rule.getApiGroups()).containsAnyOf("config.example.com", "syncer.gkelabs.io").hasSize(1);
                assertThat(rule.getResources()).containsAnyOf("configmapsyncers", "krmsyncers").hasSize(1);
            });
            assertThat(policy.getSpec().getValidations()).allSatisfy(validation -> assertThat(
                    validation.getMessageExpression()).as("every refusal says what to do").isNotBlank());
        });
    }

    /** Each policy decides who is trusted: with the same two variables, so that they cannot disagree. */
    @Test
    void everyPolicyDecidesTrustAlike() {
        List<String> first = trustVariables(admission.policies().getFirst());
        assertThat(admission.policies()).extracting(TenantSyncersAdmissionTest::trustVariables)
                .allSatisfy(variables -> assertThat(variables).isEqualTo(first));
        assertThat(first).hasSize(2);
    }

    private static List<String> trustVariables(ValidatingAdmissionPolicy policy) {
        return policy.getSpec().getVariables().stream()
                .filter(variable -> List.of("trustedNamespaces", "tenant").contains(variable.getName()))
                .map(variable -> variable.getName() + "=" + variable.getExpression()).toList();
    }
}
