package io.krmsync.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The operator as a shared cluster runs it: only {@code krm-sync-system} and {@code default} are trusted, so each
 * test's own namespace ({@link OperatorTest#namespace}) is a tenant's. Tenancy tests use this one profile, so that the
 * operator restarts once for all of them.
 */
public class Tenants implements QuarkusTestProfile {

    /** A namespace whose syncers act with the operator's full authority. */
    public static final String TRUSTED = "default";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("krm-sync.tenancy.trusted-namespaces", "krm-sync-system," + TRUSTED);
    }
}
