package io.krmsync.propagation;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.krmsync.clusters.RemoteClusters;
import io.krmsync.propagation.ProviderCopies.Provider;
import io.krmsync.sandbox.SandboxApiServer;
import io.krmsync.sync.CopyNamespaces;
import io.krmsync.sync.CopyOwner;
import io.krmsync.sync.CopyTarget;
import io.krmsync.sync.TrackingMetadata;
import io.krmsync.sync.UnmanagedInformer;

/** Provider clusters for tests of propagation's parts without the operator: each an in-memory API server. */
final class TestProviders {

    private TestProviders() {
    }

    /** Starts the server and returns it as ProviderCopies holds a provider, its copies listed. */
    static Provider start(SandboxApiServer server, CopyOwner owner) {
        server.start();
        // As the registry's clients, but without retries: a provider that is down fails at once.
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
                server.createClient().getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        UnmanagedInformer<ConfigMap> informer = UnmanagedInformer.watching("copies in " + server.name(),
                client.configMaps().inAnyNamespace().withLabels(TrackingMetadata.selectorFor(owner))).build().start();
        await().until(informer::hasSynced);
        return new Provider(RemoteClusters.of(server.name(), client), informer,
                new CopyTarget<>(server.name(), ConfigMap.class, client.configMaps(), informer.cache()),
                new CopyNamespaces(client, PropagationReconciler.NAME));
    }

    static void close(Provider provider) {
        provider.informer().close();
        provider.cluster().client().close();
    }
}
