package io.krmsync.clusters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.krmsync.OperatorNamespace;
import io.krmsync.leadership.Leadership;
import io.krmsync.status.EventRecorder;
import io.krmsync.status.Reason;
import io.quarkus.runtime.StartupEvent;

/**
 * Clusters from Secrets: every Secret in the operator's namespace with the cluster-kubeconfig label, named after the
 * Secret (or after its contexts when it holds several), as Argo CD's cluster Secrets and multicluster-runtime's
 * kubeconfig provider do. Watched, so a Secret created, changed or deleted adds, rebuilds or removes its cluster.
 * A Secret whose kubeconfig is refused gets a Warning event saying why.
 */
@ApplicationScoped
public class KubeconfigSecretSource {

    private static final Logger LOG = Logger.getLogger(KubeconfigSecretSource.class);

    private final ClusterRegistry registry;
    private final ClustersConfig.Secrets config;
    private final KubeconfigPolicy policy;
    private final KubernetesClient client;
    private final EventRecorder events;
    private final Leadership leadership;
    private final String namespace;
    private final Map<String, String> reportedProblems = new HashMap<>();
    private SharedIndexInformer<Secret> informer;

    public KubeconfigSecretSource(ClusterRegistry registry, ClustersConfig config, KubernetesClient client,
            EventRecorder events, Leadership leadership, OperatorNamespace operatorNamespace) {
        this.registry = registry;
        this.config = config.secrets();
        this.policy = config.insecure().policy();
        this.client = client;
        this.events = events;
        this.leadership = leadership;
        this.namespace = this.config.namespace().orElseGet(operatorNamespace::name);
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        String[] label = config.label().split("=", 2);
        LOG.infof("Watching Secrets labelled %s in namespace %s for cluster kubeconfigs", config.label(), namespace);
        informer = client.secrets().inNamespace(namespace)
                .withLabel(label[0], label.length > 1 ? label[1] : null)
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                publish();
            }

            @Override
            public void onUpdate(Secret before, Secret after) {
                publish();
            }

            @Override
            public void onDelete(Secret secret, boolean finalStateUnknown) {
                publish();
            }
        });
        // Not awaited: an informer that cannot list yet retries on its own and must not hold up the operator's start.
        informer.start();
    }

    @PreDestroy
    void stop() {
        if (informer != null) {
            informer.close();
        }
    }

    private synchronized void publish() {
        List<ClusterKubeconfig> kubeconfigs = new ArrayList<>();
        List<ClusterProblem> problems = new ArrayList<>();
        Map<String, String> nowReported = new HashMap<>();
        List<Secret> secrets = informer.getStore().list().stream()
                .sorted(Comparator.comparing(secret -> secret.getMetadata().getName())).toList();
        for (Secret secret : secrets) {
            String origin = "Secret " + namespace + "/" + secret.getMetadata().getName();
            try {
                kubeconfigs.addAll(Kubeconfigs.parse(secret.getMetadata().getName(), origin, kubeconfigOf(secret),
                        null, policy));
            } catch (InvalidKubeconfigException e) {
                ClusterProblem problem = ClusterProblem.of(ClusterSource.SECRET, origin, e);
                problems.add(problem);
                nowReported.put(secret.getMetadata().getName(), problem.reason() + ": " + problem.message());
                // A standby reads the same Secrets; the leader alone reports them, once.
                if (leadership.isLeader() && !Objects.equals(reportedProblems.get(secret.getMetadata().getName()),
                        nowReported.get(secret.getMetadata().getName()))) {
                    events.warning(secret, problem.reason(), problem.message());
                }
            }
        }
        reportedProblems.clear();
        reportedProblems.putAll(nowReported);
        registry.update(ClusterSource.SECRET, kubeconfigs, problems);
    }

    private String kubeconfigOf(Secret secret) throws InvalidKubeconfigException {
        String encoded = secret.getData() == null ? null : secret.getData().get(config.key());
        if (encoded == null) {
            String plain = secret.getStringData() == null ? null : secret.getStringData().get(config.key());
            if (plain != null) {
                return plain;
            }
            throw new InvalidKubeconfigException(Reason.MissingKubeconfigKey, "Secret " + namespace + "/"
                    + secret.getMetadata().getName() + " has no data key " + config.key());
        }
        try {
            return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidKubeconfigException(Reason.MalformedKubeconfig, "Secret " + namespace + "/"
                    + secret.getMetadata().getName() + " key " + config.key() + " is not valid base64");
        }
    }
}
