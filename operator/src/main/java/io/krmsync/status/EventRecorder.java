package io.krmsync.status;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Writes Kubernetes Events on the objects users look at ({@code kubectl describe}). Callers emit on transitions only,
 * so that a steady state makes no writes. An event that cannot be written is logged, never fatal.
 */
@ApplicationScoped
public class EventRecorder {

    public static final String COMPONENT = "krm-sync";
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void record(HasMetadata regarding, TransitionEvent event) {
        record(regarding, event.warning() ? "Warning" : "Normal", event.reason(), event.message());
    }

    public void normal(HasMetadata regarding, Reason reason, String message) {
        record(regarding, "Normal", reason, message);
    }

    public void warning(HasMetadata regarding, Reason reason, String message) {
        record(regarding, "Warning", reason, message);
    }

    private void record(HasMetadata regarding, String type, Reason reason, String message) {
        String now = Instant.now().toString();
        String namespace = regarding.getMetadata().getNamespace() == null ? "default"
                : regarding.getMetadata().getNamespace();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(regarding.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13).replace("-", ""))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(regarding.getApiVersion())
                        .withKind(regarding.getKind())
                        .withNamespace(regarding.getMetadata().getNamespace())
                        .withName(regarding.getMetadata().getName())
                        .withUid(regarding.getMetadata().getUid())
                        .build())
                .withType(type)
                .withReason(reason.name())
                .withMessage(message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record event %s on %s %s/%s: %s", reason, regarding.getKind(), namespace,
                    regarding.getMetadata().getName(), ApiErrors.reason(e));
        }
    }
}
