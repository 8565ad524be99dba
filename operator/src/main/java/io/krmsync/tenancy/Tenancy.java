package io.krmsync.tenancy;

import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.krmsync.OperatorNamespace;

/** Decides each syncer's {@link Authority} from the tenancy settings. */
@Singleton
public class Tenancy {

    private final NamespaceNames trusted;
    private final Optional<String> defaultServiceAccount;

    @Inject
    public Tenancy(TenancyConfig config, OperatorNamespace operatorNamespace) {
        this(config.trustedNamespaces().orElse(List.of(operatorNamespace.name())), config.defaultServiceAccount());
    }

    Tenancy(List<String> trustedNamespaces, Optional<String> defaultServiceAccount) {
        this.trusted = NamespaceNames.of(trustedNamespaces);
        this.defaultServiceAccount = defaultServiceAccount.map(String::trim).filter(name -> !name.isEmpty());
    }

    public boolean isTrusted(String namespace) {
        return trusted.includes(namespace);
    }

    /**
     * @param serviceAccountName the syncer's spec.serviceAccountName, null or blank when not set; a tenant syncer
     *        without one acts as the default ServiceAccount, if one is configured
     */
    public Authority of(String namespace, String serviceAccountName) {
        boolean isTrusted = isTrusted(namespace);
        Optional<String> own = Optional.ofNullable(serviceAccountName).map(String::trim)
                .filter(name -> !name.isEmpty());
        Optional<String> actsAs = own.isPresent() || isTrusted ? own : defaultServiceAccount;
        return new Authority(namespace, isTrusted, actsAs);
    }
}
