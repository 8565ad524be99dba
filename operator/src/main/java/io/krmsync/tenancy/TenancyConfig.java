package io.krmsync.tenancy;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** Who may make krm-sync act with its own authority, and who acts as whom (docs/tenancy.md). */
@ConfigMapping(prefix = "krm-sync.tenancy")
public interface TenancyConfig {

    /**
     * Namespaces whose syncers act with the operator's full authority; every other namespace is a tenant's. Names, or
     * {@code *} for every namespace (no tenancy). Unset: the operator's own namespace only.
     */
    Optional<List<String>> trustedNamespaces();

    /**
     * The ServiceAccount (a name, in the syncer's own namespace) that every tenant syncer without
     * {@code spec.serviceAccountName} acts as. Unset: tenant syncers without one are confined by the tenancy rules
     * alone.
     */
    Optional<String> defaultServiceAccount();
}
