package io.krmsync.krmsyncer;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** KRMSyncer's operator-wide settings; everything else is in each KRMSyncer's spec. */
@ConfigMapping(prefix = "krm-sync.krmsyncer")
public interface KRMSyncerConfig {

    /**
     * How soon a KRMSyncer that failed (destination unreachable, rule forbidden, conflicts) is tried again, and how
     * often a synced one checks that its destination still answers when its watches there are down.
     */
    @WithDefault("30s")
    Duration retryInterval();
}
