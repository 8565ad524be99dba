package io.krmsync.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccessTest {

    private static final String USER = "system:serviceaccount:team-a:sync";

    @Test
    void aRefusalSaysWhoMayNotDoWhatToWhich() {
        assertThat(new Access(USER, "get", "", "secrets", "team-b", "db").refused())
                .isEqualTo("system:serviceaccount:team-a:sync may not get secrets team-b/db");
        assertThat(new Access(USER, "list", "networking.k8s.io", "ingresses", "team-b", "").refused())
                .isEqualTo("system:serviceaccount:team-a:sync may not list ingresses.networking.k8s.io in namespace team-b");
        assertThat(new Access(USER, "watch", "", "configmaps", "", "").refused())
                .isEqualTo("system:serviceaccount:team-a:sync may not watch configmaps cluster-wide");
        assertThat(new Access(USER, "get", "rbac.authorization.k8s.io", "clusterroles", "", "admin").refused())
                .isEqualTo("system:serviceaccount:team-a:sync may not get clusterroles.rbac.authorization.k8s.io admin");
    }

    @Test
    void aServiceAccountIsReviewedWithTheGroupsImpersonationGivesIt() {
        assertThat(new Access(USER, "get", "", "secrets", "team-b", "db").groups()).containsExactly(
                "system:serviceaccounts", "system:serviceaccounts:team-a", "system:authenticated");
        assertThat(new Access("jane", "get", "", "secrets", "team-b", "db").groups())
                .containsExactly("system:authenticated");
    }
}
