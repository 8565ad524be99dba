package io.krmsync.configmapsyncer;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ConfigMapSyncer's operator-wide settings; everything else is in each ConfigMapSyncer's spec. */
@ConfigMapping(prefix = "krm-sync.configmapsyncer")
public interface ConfigMapSyncerConfig {

    /**
     * How soon a ConfigMapSyncer whose writes failed in a way that can heal by itself (an API error, a refused delete)
     * is tried again. Conflicts and missing namespaces wait for the event that changes them instead.
     */
    @WithDefault("30s")
    Duration retryInterval();
}
