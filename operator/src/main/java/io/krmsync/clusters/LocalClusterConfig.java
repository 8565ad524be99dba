package io.krmsync.clusters;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The cluster the operator runs in, where its custom resources and same-cluster copies live. */
@ConfigMapping(prefix = "krm-sync.local-cluster")
public interface LocalClusterConfig {

    /** The name written into source annotations (cluster/namespace/name) and metric labels. */
    @WithDefault("local")
    String name();
}
