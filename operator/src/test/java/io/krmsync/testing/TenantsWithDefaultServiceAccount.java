package io.krmsync.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link Tenants}, locked down as Flux's {@code --default-service-account} does: every tenant syncer that names no
 * ServiceAccount acts as {@link #SERVICE_ACCOUNT} of its own namespace. Its own profile, because the setting is read
 * when the operator starts; only the tests of that setting use it.
 */
public class TenantsWithDefaultServiceAccount extends Tenants {

    public static final String SERVICE_ACCOUNT = "krm-sync-tenant";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("krm-sync.tenancy.default-service-account", SERVICE_ACCOUNT);
        return overrides;
    }
}
