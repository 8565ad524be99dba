package io.krmsync.clusters;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Builds the client of a remote cluster (a provider, a KRMSyncer's destination) with the limits of
 * {@code krm-sync.clusters.client.*}: its own rate limit, timeouts and capped retries, so that one slow or dead cluster
 * cannot use up another's budget.
 */
@ApplicationScoped
public class RemoteClients {

    private final KubernetesSerialization serialization;
    private final ClustersConfig.Client limits;

    public RemoteClients(KubernetesSerialization serialization, ClustersConfig config) {
        this.serialization = serialization;
        this.limits = config.client();
    }

    public KubernetesClient newClient(Config kubeconfig) {
        kubeconfig.setConnectionTimeout((int) limits.connectTimeout().toMillis());
        kubeconfig.setRequestTimeout((int) limits.requestTimeout().toMillis());
        kubeconfig.setRequestRetryBackoffLimit(limits.retryBackoffLimit());
        kubeconfig.setRequestRetryBackoffInterval((int) limits.retryBackoffInterval().toMillis());
        kubeconfig.setMaxConcurrentRequests(limits.maxConcurrentRequests());
        kubeconfig.setMaxConcurrentRequestsPerHost(limits.maxConcurrentRequests());
        return new KubernetesClientBuilder()
                .withConfig(kubeconfig)
                .withKubernetesSerialization(serialization)
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor(RequestRateLimiter.NAME,
                        new RequestRateLimiter(limits.qps(), limits.burst())))
                .build();
    }

    public int maxConcurrentRequests() {
        return limits.maxConcurrentRequests();
    }
}
