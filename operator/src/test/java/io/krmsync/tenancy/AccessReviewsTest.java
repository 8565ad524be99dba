package io.krmsync.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClientException;

class AccessReviewsTest {

    private static final String USER = "system:serviceaccount:team-a:sync";
    private static final Access GET_DB = new Access(USER, "get", "", "secrets", "team-b", "db");

    private final MovableClock clock = new MovableClock();
    private final List<Access> asked = new ArrayList<>();

    @Test
    void anAnswerStandsForTenSecondsThenTheServerIsAskedAgain() {
        AccessReviews reviews = new AccessReviews(counting(access -> new AccessReviews.Verdict(true, "")), clock);

        for (int reconciliation = 0; reconciliation < 1_000; reconciliation++) {
            assertThat(reviews.refusal(GET_DB)).isEmpty();
        }
        assertThat(asked).containsExactly(GET_DB);

        clock.advance(AccessReviews.TTL.minusMillis(1));
        reviews.refusal(GET_DB);
        assertThat(asked).hasSize(1);

        clock.advance(Duration.ofMillis(1));
        reviews.refusal(GET_DB);
        assertThat(asked).hasSize(2);
    }

    @Test
    void eachAccessIsAnsweredOnItsOwn() {
        AccessReviews reviews = new AccessReviews(counting(access -> new AccessReviews.Verdict(
                !access.name().equals("db"), "")), clock);
        Access getCache = new Access(USER, "get", "", "secrets", "team-b", "cache");
        Access listDb = new Access(USER, "list", "", "secrets", "team-b", "db");

        assertThat(reviews.refusal(GET_DB)).isPresent();
        assertThat(reviews.refusal(getCache)).isEmpty();
        assertThat(reviews.refusal(listDb)).isPresent();
        assertThat(asked).containsExactly(GET_DB, getCache, listDb);
    }

    @Test
    void aRefusalNamesTheUserTheVerbAndTheObjectAndTheServersReason() {
        AccessReviews reviews = new AccessReviews(access -> new AccessReviews.Verdict(false, "no RBAC policy matched"),
                clock);

        assertThat(reviews.refusal(GET_DB)).contains(
                "system:serviceaccount:team-a:sync may not get secrets team-b/db (no RBAC policy matched)");
    }

    @Test
    void aFailedReviewIsNotRemembered() {
        AtomicInteger calls = new AtomicInteger();
        AccessReviews reviews = new AccessReviews(access -> {
            if (calls.incrementAndGet() == 1) {
                throw new KubernetesClientException("unreachable");
            }
            return new AccessReviews.Verdict(true, "");
        }, clock);

        assertThatThrownBy(() -> reviews.refusal(GET_DB)).isInstanceOf(KubernetesClientException.class);
        assertThat(reviews.refusal(GET_DB)).isEmpty();
        assertThat(calls).hasValue(2);
    }

    @Test
    void concurrentQuestionsForOneAccessWaitForOneReview() throws Exception {
        CountDownLatch reviewing = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AccessReviews reviews = new AccessReviews(counting(access -> {
            reviewing.countDown();
            await(answer);
            return new AccessReviews.Verdict(true, "");
        }), clock);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> questions = new ArrayList<>();
            questions.add(threads.submit(() -> reviews.refusal(GET_DB)));
            await(reviewing);
            for (int i = 0; i < 7; i++) {
                questions.add(threads.submit(() -> reviews.refusal(GET_DB)));
            }
            answer.countDown();
            for (Future<?> question : questions) {
                question.get(10, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(asked).hasSize(1);
    }

    @Test
    void theAnswersKeptAreBounded() {
        AccessReviews reviews = new AccessReviews(counting(access -> new AccessReviews.Verdict(true, "")), clock);

        for (int i = 0; i <= AccessReviews.MAX_ENTRIES; i++) {
            reviews.refusal(new Access(USER, "get", "", "secrets", "team-b", "s" + i));
        }
        // Over the bound, every answer went: the first access is asked about again.
        reviews.refusal(new Access(USER, "get", "", "secrets", "team-b", "s0"));
        assertThat(asked).hasSize(AccessReviews.MAX_ENTRIES + 2);
    }

    private Function<Access, AccessReviews.Verdict> counting(Function<Access, AccessReviews.Verdict> reviewer) {
        return access -> {
            synchronized (asked) {
                asked.add(access);
            }
            return reviewer.apply(access);
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final class MovableClock extends Clock {

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
