package io.krmsync.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

class AuthorityTest {

    private final Tenancy tenancy = new Tenancy(List.of("krm-sync-system", " default "), Optional.of("krm-sync-tenant"));

    @Test
    void syncersInTrustedNamespacesMayDoAnything() {
        Authority authority = tenancy.of("default", null);

        assertThat(authority.trusted()).isTrue();
        assertThat(authority.mayRead(configMap("kube-system", Map.of()))).isTrue();
        assertThat(authority.mayWriteInto(namespace("kube-system", Map.of()))).isTrue();
        assertThat(authority.mayOverwriteIn("kube-system")).isTrue();
        assertThat(authority.mayUseClusterScopedKinds()).isTrue();
        assertThat(authority.user()).as("the default ServiceAccount is for tenants").isEmpty();
    }

    @Test
    void aTenantReadsAndWritesAtHomeOnly() {
        Authority authority = tenancy.of("team-a", null);

        assertThat(authority.trusted()).isFalse();
        assertThat(authority.mayRead(configMap("team-a", Map.of()))).isTrue();
        assertThat(authority.mayRead(configMap("kube-system", Map.of()))).isFalse();
        assertThat(authority.mayWriteInto(namespace("team-a", Map.of()))).isTrue();
        assertThat(authority.mayWriteInto(namespace("team-b", Map.of()))).isFalse();
        assertThat(authority.mayOverwriteIn("team-a")).isTrue();
        assertThat(authority.mayOverwriteIn("team-b")).isFalse();
        assertThat(authority.mayUseClusterScopedKinds()).isFalse();
    }

    @Test
    void consentIsANamespaceListOrEveryone() {
        Authority authority = tenancy.of("team-a", null);

        assertThat(authority.mayRead(configMap("shared", Map.of(Consent.SHARE_WITH, "team-b, team-a")))).isTrue();
        assertThat(authority.mayRead(configMap("shared", Map.of(Consent.SHARE_WITH, "*")))).isTrue();
        assertThat(authority.mayRead(configMap("shared", Map.of(Consent.SHARE_WITH, "team-b")))).isFalse();
        assertThat(authority.mayRead(configMap("shared", Map.of(Consent.SHARE_WITH, "")))).isFalse();
        assertThat(authority.mayRead(configMap("shared", Map.of(Consent.SHARE_WITH, "team-a-prod")))).isFalse();
        assertThat(authority.mayWriteInto(namespace("team-b", Map.of(Consent.ACCEPT_FROM, "team-a")))).isTrue();
        assertThat(authority.mayWriteInto(namespace("team-b", Map.of(Consent.ACCEPT_FROM, "*")))).isTrue();
        assertThat(authority.mayWriteInto(namespace("team-b", Map.of(Consent.SHARE_WITH, "team-a"))))
                .as("share-with on a namespace is not accept-from").isFalse();
    }

    @Test
    void aTenantActsAsItsOwnServiceAccountElseTheDefault() {
        assertThat(tenancy.of("team-a", "deployer").user()).contains("system:serviceaccount:team-a:deployer");
        assertThat(tenancy.of("team-a", " ").user()).contains("system:serviceaccount:team-a:krm-sync-tenant");
        assertThat(tenancy.of("default", "deployer").user()).contains("system:serviceaccount:default:deployer");
        assertThat(new Tenancy(List.of(), Optional.empty()).of("team-a", null).user()).isEmpty();
    }

    @Test
    void anAsteriskTrustsEveryNamespace() {
        Tenancy everyone = new Tenancy(List.of("*"), Optional.of("krm-sync-tenant"));

        assertThat(everyone.of("team-a", null).trusted()).isTrue();
        assertThat(everyone.of("team-a", null).user()).isEmpty();
    }

    private static HasMetadata configMap(String namespace, Map<String, String> annotations) {
        return new ConfigMapBuilder().withNewMetadata().withNamespace(namespace).withName("app-config")
                .withAnnotations(annotations).endMetadata().build();
    }

    private static HasMetadata namespace(String name, Map<String, String> annotations) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withAnnotations(annotations).endMetadata()
                .build();
    }
}
