package io.krmsync.leadership;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Lease that replicas of the operator compete for. Read only where leader election is active: the profiles in
 * {@code quarkus.operator-sdk.activate-leader-election-for-profiles} (the SDK's default: {@code prod}).
 */
@ConfigMapping(prefix = "krm-sync.leader-election")
public interface LeaderElectionConfig {

    @WithDefault("krm-sync-leader")
    String leaseName();

    /**
     * Default: the operator's own namespace ({@code KUBERNETES_NAMESPACE}), else the local client's namespace, else
     * {@code default}.
     */
    Optional<String> leaseNamespace();

    /** How long a standby waits, after the leader's last renewal, before taking the Lease over. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it gives up leading (and exits). */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often a standby tries to acquire and the leader renews. */
    @WithDefault("2s")
    Duration retryPeriod();
}
