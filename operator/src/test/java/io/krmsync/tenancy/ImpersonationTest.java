package io.krmsync.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.krmsync.sandbox.RequestLog;
import io.krmsync.testing.InMemoryCluster;

/**
 * Impersonation against an in-memory API server, without the operator: what the impersonating clients send, and how
 * reviews are asked and remembered.
 */
class ImpersonationTest {

    private static final String USER = "system:serviceaccount:team-a:sync";

    private static InMemoryCluster cluster;
    private static KubernetesClient operator;
    private Impersonation impersonation;

    @BeforeAll
    static void start() {
        cluster = InMemoryCluster.start("impersonation", 0);
        operator = cluster.server().createClient();
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-b")
                .endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        operator.close();
        cluster.close();
    }

    @BeforeEach
    void freshImpersonation() {
        impersonation = new Impersonation(operator);
    }

    @AfterEach
    void clear() {
        cluster.server().clearExpectations();
        operator.configMaps().inNamespace("team-b").delete();
    }

    @Test
    void writesAsAServiceAccountSendItsNameAndNoGroups() {
        RequestLog log = cluster.server().recordRequests();

        KubernetesClient asServiceAccount = impersonation.clientFor(Optional.of(USER));
        asServiceAccount.configMaps().inNamespace("team-b").resource(configMap("copy")).create();
        asServiceAccount.configMaps().inNamespace("team-b").withName("copy").edit(cm -> {
            cm.setData(Map.of("k", "v2"));
            return cm;
        });
        asServiceAccount.configMaps().inNamespace("team-b").withName("copy").delete();
        operator.configMaps().inNamespace("team-b").resource(configMap("own")).create();

        assertThat(log.requests()).filteredOn(request -> request.impersonatedUser() != null)
                .allSatisfy(request -> {
                    assertThat(request.impersonatedUser()).isEqualTo(USER);
                    assertThat(request.impersonatedGroups()).isEmpty();
                })
                .extracting(request -> request.method() + " " + request.path())
                .containsExactly("POST /api/v1/namespaces/team-b/configmaps",
                        "GET /api/v1/namespaces/team-b/configmaps/copy",
                        "PATCH /api/v1/namespaces/team-b/configmaps/copy",
                        "DELETE /api/v1/namespaces/team-b/configmaps/copy");
        assertThat(log.requests()).filteredOn(request -> request.impersonatedUser() == null)
                .extracting(request -> request.method() + " " + request.path())
                .containsExactly("POST /api/v1/namespaces/team-b/configmaps");
    }

    @Test
    void oneClientPerUserSharingTheOperatorsHttpClient() {
        KubernetesClient first = impersonation.clientFor(Optional.of(USER));

        assertThat(impersonation.clientFor(Optional.of(USER))).isSameAs(first);
        assertThat(impersonation.clientFor(Optional.of("system:serviceaccount:team-a:other"))).isNotSameAs(first);
        assertThat(impersonation.clientFor(Optional.empty())).isSameAs(operator);
        assertThat(first.getConfiguration().getMasterUrl()).isEqualTo(operator.getConfiguration().getMasterUrl());
    }

    @Test
    void theApiServersRbacRefusesAnImpersonatedWrite() {
        cluster.server().deny(USER, "create", "configmaps", "team-b", null);

        assertThatThrownBy(() -> impersonation.clientFor(Optional.of(USER)).configMaps().inNamespace("team-b")
                .resource(configMap("copy")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getStatus().getMessage()).contains("User \"" + USER + "\" cannot create resource "
                            + "\"configmaps\" in API group \"\" in the namespace \"team-b\"");
                });
        assertThat(operator.configMaps().inNamespace("team-b").resource(configMap("copy")).create()).isNotNull();
    }

    @Test
    void reviewsAskTheApiServerOncePerPeriod() {
        RequestLog log = cluster.server().recordRequests();
        cluster.server().deny(USER, "get", "secrets", "team-b", "db");
        Access getDb = new Access(USER, "get", "", "secrets", "team-b", "db");
        Access getCache = new Access(USER, "get", "", "secrets", "team-b", "cache");

        for (int i = 0; i < 10; i++) {
            assertThat(impersonation.refusal(getDb)).hasValueSatisfying(refusal -> assertThat(refusal.message())
                    .startsWith(USER + " may not get secrets team-b/db"));
            assertThat(impersonation.refusal(getCache)).isEmpty();
        }

        assertThat(log.reviews()).extracting(access -> access.user() + " " + access.verb() + " " + access.resource()
                + " " + access.namespace() + "/" + access.name())
                .containsExactly(USER + " get secrets team-b/db", USER + " get secrets team-b/cache");
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
    }
}
