package io.krmsync.tenancy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The local API server's answers to "may this user do this?", each remembered for {@link #TTL}: a syncer fanning one
 * source out to 1,000 namespaces, or 1,000 syncers reading one source, cost one review per period, not one per
 * reconciliation. Concurrent questions for the same access wait for one review. A failed review is not remembered.
 * At most {@link #MAX_ENTRIES} answers are kept; past that, the expired ones go, and if that is not enough, all of
 * them (they are only asked again).
 */
public final class AccessReviews {

    /** How long an answer stands: also how long a revoked grant may still be used for reads. */
    public static final Duration TTL = Duration.ofSeconds(10);
    static final int MAX_ENTRIES = 10_000;

    /** The API server's answer: {@code status.allowed} and {@code status.reason} of a SubjectAccessReview. */
    public record Verdict(boolean allowed, String reason) {
    }

    private record Answer(CompletableFuture<Verdict> verdict, Instant until) {
    }

    private final Function<Access, Verdict> reviewer;
    private final Clock clock;
    private final Map<Access, Answer> answers = new ConcurrentHashMap<>();

    /** @param reviewer asks the API server; throws what the client throws when it cannot */
    public AccessReviews(Function<Access, Verdict> reviewer, Clock clock) {
        this.reviewer = reviewer;
        this.clock = clock;
    }

    /**
     * Why the access is refused, as status says it; empty when it is allowed.
     *
     * @throws io.fabric8.kubernetes.client.KubernetesClientException when the review itself failed
     */
    public Optional<String> refusal(Access access) {
        Verdict verdict = verdict(access);
        if (verdict.allowed()) {
            return Optional.empty();
        }
        String reason = verdict.reason() == null || verdict.reason().isBlank() ? "" : " (" + verdict.reason() + ")";
        return Optional.of(access.refused() + reason);
    }

    private Verdict verdict(Access access) {
        Instant now = clock.instant();
        CompletableFuture<Verdict> asked = new CompletableFuture<>();
        Answer answer = answers.compute(access, (key, known) -> known != null && known.until().isAfter(now) ? known
                : new Answer(asked, now.plus(TTL)));
        if (answer.verdict() == asked) {
            review(access, answer);
            keepBounded(now);
        }
        try {
            return answer.verdict().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void review(Access access, Answer answer) {
        try {
            answer.verdict().complete(reviewer.apply(access));
        } catch (RuntimeException e) {
            answers.remove(access, answer);
            answer.verdict().completeExceptionally(e);
        }
    }

    private void keepBounded(Instant now) {
        if (answers.size() <= MAX_ENTRIES) {
            return;
        }
        answers.values().removeIf(answer -> !answer.until().isAfter(now));
        if (answers.size() > MAX_ENTRIES) {
            answers.clear();
        }
    }
}
