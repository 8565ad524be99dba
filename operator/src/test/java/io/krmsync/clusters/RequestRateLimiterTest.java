package io.krmsync.clusters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {

    @Test
    void aBurstGoesThroughAtOnceThenRequestsAreSpacedAtTheRate() {
        long[] now = { 0 };
        RequestRateLimiter limiter = new RequestRateLimiter(10, 3, () -> now[0]);

        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isZero();
        // At 10 qps the fourth waits one token's worth (100 ms), the fifth two.
        assertThat(limiter.reserve()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(limiter.reserve()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));

        // A quiet second refills the bucket up to the burst, not beyond.
        now[0] += TimeUnit.SECONDS.toNanos(1) + TimeUnit.MILLISECONDS.toNanos(200);
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isZero();
        assertThat(limiter.reserve()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void nonsenseSettingsAreRefused() {
        assertThatThrownBy(() -> new RequestRateLimiter(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestRateLimiter(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
