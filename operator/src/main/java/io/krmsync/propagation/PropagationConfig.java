package io.krmsync.propagation;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.krmsync.sync.ConflictPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * PropagationReconciler's settings. Which ConfigMaps are propagated is the controller's label selector
 * ({@code quarkus.operator-sdk.controllers.propagation.selector}, default {@code example.io/propagate=true}) and
 * which namespaces are watched its namespaces ({@code quarkus.operator-sdk.controllers.propagation.namespaces},
 * default all); of those, only the ones in the propagation scope ({@link #namespaces()},
 * {@link #namespaceSelector()}) are pushed with the operator's provider credentials.
 */
@ConfigMapping(prefix = "krm-sync.propagation")
public interface PropagationConfig {

    /** What to do with a provider object of the same name that krm-sync did not create: Skip (report) or Overwrite. */
    @WithDefault("Skip")
    ConflictPolicy conflictPolicy();

    /** How often every provider is swept for copies whose source is gone. */
    @WithDefault("5m")
    Duration sweepInterval();

    /** How long to wait before retrying a cluster whose write failed. */
    @WithDefault("30s")
    Duration retryInterval();

    /**
     * Namespaces whose labelled ConfigMaps are propagated: names, or {@code *} for every namespace. Unset: the trusted
     * namespaces ({@code krm-sync.tenancy.trusted-namespaces}).
     */
    Optional<List<String>> namespaces();

    /**
     * A label selector ({@code kubectl -l} syntax) on Namespace objects: the labelled ConfigMaps of a namespace it
     * matches are propagated too, whether or not {@link #namespaces()} lists it.
     */
    @WithDefault(PropagationScope.DEFAULT_NAMESPACE_SELECTOR)
    String namespaceSelector();

    /** Whether a provider lacking a copy's namespace is given one; if not, that provider reports NamespaceNotFound. */
    @WithDefault("true")
    boolean createNamespaces();
}
