package io.krmsync.tenancy;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.krmsync.status.ApiErrors;
import io.krmsync.status.Reason;

/**
 * How a syncer acts as a user on the local cluster (docs/tenancy.md): its reads are allowed by a SubjectAccessReview
 * for that user ({@link #refusal}), its writes are made with impersonation ({@link #clientFor}), so that the API
 * server's RBAC decides both.
 * <p>
 * Only {@code Impersonate-User} is sent. For a ServiceAccount user (system:serviceaccount:NS:NAME) the API server's
 * impersonation filter checks {@code impersonate} on {@code serviceaccounts} NAME in NS, and, when no
 * {@code Impersonate-Group} header is sent, gives the request the ServiceAccount's fixed groups itself
 * (system:serviceaccounts, system:serviceaccounts:NS, system:authenticated). Sending groups would make it check
 * {@code impersonate} on {@code groups} too, a grant that would let the operator act as any group.
 */
@Singleton
public class Impersonation {

    /** More identities than syncers would ever name; past it the clients are made again (they cost nothing to drop). */
    static final int MAX_CLIENTS = 10_000;
    /** What the API server accepts as a ServiceAccount's name, as spec.serviceAccountName's schema says. */
    private static final Pattern SERVICE_ACCOUNT_NAME = Pattern
            .compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final KubernetesClient operatorClient;
    private final AccessReviews reviews;
    private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

    public Impersonation(KubernetesClient operatorClient) {
        this.operatorClient = operatorClient;
        this.reviews = new AccessReviews(access -> review(operatorClient, access), Clock.systemUTC());
    }

    /**
     * Whether a spec's serviceAccountName can name a ServiceAccount (null: none named). Checked where the CRD's schema
     * may not have been (an older CRD, an in-memory server): a name with a colon would make the user something else.
     */
    public static boolean isServiceAccountName(String name) {
        return name == null || name.length() <= 253 && SERVICE_ACCOUNT_NAME.matcher(name).matches();
    }

    /**
     * The client that writes as {@code user}, or the operator's own when there is none. An impersonating client
     * shares the operator client's HTTP client, connection pool and threads (fabric8's {@code newClient}, which derives
     * an HTTP client tagged with the request config); it is never closed by itself, since that would close the shared
     * HTTP client: it goes when the operator's client is closed at shutdown.
     */
    public KubernetesClient clientFor(Optional<String> user) {
        if (user.isEmpty()) {
            return operatorClient;
        }
        if (clients.size() >= MAX_CLIENTS) {
            clients.clear();
        }
        return clients.computeIfAbsent(user.get(), this::impersonating);
    }

    /**
     * Why a syncer may not go on: the user may not do it, or the review itself failed.
     *
     * @param reason {@link Reason#Forbidden} when refused, the API error's reason when the review failed
     */
    public record Refusal(Reason reason, String message) {
    }

    /**
     * Why {@code access} is refused, as status says it; empty when the API server allows it. Answers are remembered for
     * {@link AccessReviews#TTL}; a review that failed is asked again next time.
     */
    public Optional<Refusal> refusal(Access access) {
        try {
            return reviews.refusal(access).map(refused -> new Refusal(Reason.Forbidden, refused));
        } catch (KubernetesClientException e) {
            return Optional.of(new Refusal(ApiErrors.reason(e),
                    "could not review whether " + access.asked() + ": " + ApiErrors.message(e)));
        }
    }

    private KubernetesClient impersonating(String user) {
        RequestConfig config = new RequestConfigBuilder(operatorClient.getConfiguration().getRequestConfig())
                .withImpersonateUsername(user).withImpersonateGroups().withImpersonateExtras(Map.of()).build();
        return operatorClient.newClient(config).adapt(KubernetesClient.class);
    }

    private static AccessReviews.Verdict review(KubernetesClient client, Access access) {
        SubjectAccessReview review = client.authorization().v1().subjectAccessReview().create(
                new SubjectAccessReviewBuilder().withNewSpec().withUser(access.user()).withGroups(access.groups())
                        .withNewResourceAttributes().withVerb(access.verb()).withGroup(access.group())
                        .withResource(access.resource()).withNamespace(access.namespace()).withName(access.name())
                        .endResourceAttributes().endSpec().build());
        var status = review.getStatus();
        return new AccessReviews.Verdict(status != null && Boolean.TRUE.equals(status.getAllowed()),
                status == null ? null : status.getReason());
    }
}
