package io.krmsync.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;

/** How the operator tests wait: the operator works asynchronously, so what a test checks holds eventually. */
public final class Eventually {

    /** Long enough for a reconciliation on a loaded 2-core machine, short enough to fail a test that hangs. */
    public static final Duration AT_MOST = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(100);

    private Eventually() {
    }

    public static ConditionFactory eventually() {
        return eventually(AT_MOST);
    }

    /**
     * Checks at once, then every {@link #POLL}: awaitility's default first delay (the poll interval) made every wait
     * cost 100 ms even when the operator had already done its part.
     */
    public static ConditionFactory eventually(Duration atMost) {
        return await().atMost(atMost).pollDelay(Duration.ZERO).pollInterval(POLL);
    }

    /** The assertions hold, and keep holding for the whole period: something that must not happen did not. */
    public static void holdsFor(Duration period, ThrowingRunnable assertions) {
        await().during(period).atMost(period.plusSeconds(5)).pollDelay(Duration.ZERO).pollInterval(POLL)
                .untilAsserted(assertions);
    }
}
