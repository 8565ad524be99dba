package io.krmsync.propagation;

import java.time.Duration;

import io.krmsync.sync.ConflictPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * PropagationReconciler's settings. Which ConfigMaps are propagated is the controller's label selector
 * ({@code quarkus.operator-sdk.controllers.propagation.selector}, default {@code example.io/propagate=true}) and
 * which namespaces are watched its namespaces ({@code quarkus.operator-sdk.controllers.propagation.namespaces},
 * default all).
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
}
