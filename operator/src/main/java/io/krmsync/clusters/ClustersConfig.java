package io.krmsync.clusters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where remote clusters come from, what their kubeconfigs may contain, and how krm-sync talks to each of them. */
@ConfigMapping(prefix = "krm-sync.clusters")
public interface ClustersConfig {

    /** Kubeconfig files of provider clusters; the command-line flag {@code -provider-kubeconfigs a,b,c}. Re-read when they change. */
    Optional<List<Path>> providerKubeconfigs();

    /** A directory of kubeconfig files, one cluster per file (or per context); files added, changed, removed at runtime. */
    Optional<Path> directory();

    /** How often the files and the directory are checked for changes. */
    @WithDefault("2s")
    Duration filePollInterval();

    Secrets secrets();

    Insecure insecure();

    Client client();

    /** How often a reachable cluster is checked. */
    @WithDefault("10s")
    Duration healthCheckInterval();

    /** The longest wait between two attempts to reach an unreachable cluster (the wait doubles from one second). */
    @WithDefault("30s")
    Duration maxReconnectInterval();

    /** Secrets that each hold a cluster's kubeconfig, in the operator's namespace. */
    interface Secrets {

        @WithDefault("true")
        boolean enabled();

        /** Default: the operator's own namespace (KUBERNETES_NAMESPACE, else the local client's namespace). */
        Optional<String> namespace();

        /** The label, key=value, that marks a Secret as a cluster's kubeconfig. */
        @WithDefault("krm-sync.io/cluster-kubeconfig=true")
        String label();

        /** The key of the Secret's data that holds the kubeconfig. */
        @WithDefault("kubeconfig")
        String key();
    }

    /**
     * Opt-ins for kubeconfig features that run code or read files on the operator's host. Remote kubeconfigs are
     * untrusted input: each is refused unless its opt-in is set.
     */
    interface Insecure {

        /** Allow {@code exec} credential plugins (runs a command inside the operator). */
        @WithDefault("false")
        boolean allowExec();

        /** Allow {@code auth-provider} entries. */
        @WithDefault("false")
        boolean allowAuthProvider();

        /** Allow certificate, key and token file paths (reads files of the operator's filesystem). */
        @WithDefault("false")
        boolean allowFileReferences();

        /** Allow {@code insecure-skip-tls-verify: true}. */
        @WithDefault("false")
        boolean allowInsecureTls();

        default KubeconfigPolicy policy() {
            return new KubeconfigPolicy(allowExec(), allowAuthProvider(), allowFileReferences(), allowInsecureTls());
        }
    }

    /** Per-cluster client limits: each remote cluster gets its own client with these settings. */
    interface Client {

        /** Requests per second to one cluster (token bucket). */
        @WithDefault("50")
        double qps();

        /** Requests that may be sent at once above {@link #qps()} after a quiet period. */
        @WithDefault("100")
        int burst();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("30s")
        Duration requestTimeout();

        /** Retries of a failed request (connection error or HTTP 5xx) before the caller sees the failure. */
        @WithDefault("2")
        int retryBackoffLimit();

        /** First wait between retries; it doubles with every retry. */
        @WithDefault("200ms")
        Duration retryBackoffInterval();

        /** Requests krm-sync has in flight to one cluster at once (enforced by krm-sync: see RemoteCluster#bounded). */
        @WithDefault("64")
        int maxConcurrentRequests();
    }
}
